package io.hakuriver.docker;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.http.ApiException;
import io.hakuriver.host.RouteRegistry;
import io.hakuriver.util.Json;
import io.javalin.Javalin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.hakuriver.docker.DockerFixture.docker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The /docker/... endpoints and the WebSocket terminal of DockerHostModule, over real HTTP against the real engine. */
class DockerHostModuleIT {
    static DockerFixture fx;
    static HakuConfig cfg;
    static Javalin app;
    static Javalin downApp;
    static DockerHostModule module;
    static final HttpClient http = HttpClient.newHttpClient();

    static Javalin serve(DockerHostModule m) {
        return Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.routes.exception(ApiException.class, (e, ctx) -> ctx.status(e.status).contentType("application/json").result(Json.write(Map.of("detail", e.detail))));
            m.register(new RouteRegistry(c.routes));
        }).start("127.0.0.1", 0);
    }

    @BeforeAll
    static void setUp() throws Exception {
        fx = new DockerFixture();
        cfg = fx.config(fx.runner("h"), "");
        module = new DockerHostModule(cfg);
        app = serve(module);
        downApp = serve(new DockerHostModule(cfg, new DockerEngine("unix://" + fx.root.resolve("none.sock"))));
    }

    @AfterAll
    static void tearDown() {
        if (app != null) app.stop();
        if (downApp != null) downApp.stop();
        if (fx != null) fx.close();
    }

    static HttpResponse<String> call(Javalin a, String method, String path, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(Json.write(body)));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String detail(HttpResponse<String> r) { return Json.tree(r.body()).path("detail").asText(); }

    @Test
    void containerLifecycleAndPackagingOverHttp() throws Exception {
        String env = fx.env("web");
        HttpResponse<String> r = call(app, "POST", "/docker/host/create", Map.of("image_name", DockerFixture.BASE_IMAGE, "container_name", env));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(Json.tree(r.body()).path("message").asText()).isEqualTo("Container '" + env + "' created or already exists.");
        assertThat(call(app, "POST", "/api/docker/host/create", Map.of("image_name", DockerFixture.BASE_IMAGE, "container_name", env)).statusCode()).isEqualTo(201);
        r = call(app, "POST", "/docker/host/create", Map.of("image_name", "hakuriver-test/other:1", "container_name", env));
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(detail(r)).contains("already exists with image '" + DockerFixture.BASE_IMAGE + "'");
        assertThat(docker("inspect", "-f", "{{.State.Running}} {{index .Config.Labels \"hakuriver.environment\"}}", env).out()).isEqualTo("true " + env);

        JsonNode list = Json.tree(call(app, "GET", "/docker/host/containers", null).body());
        boolean listed = false;
        for (JsonNode c : list) if (c.path("name").asText().equals(env)) {
            listed = true;
            assertThat(c.path("image").asText()).isEqualTo(DockerFixture.BASE_IMAGE);
            assertThat(c.path("status").asText()).startsWith("Up");
            assertThat(c.path("id").asText()).hasSize(12);
        }
        assertThat(listed).isTrue();

        assertThat(call(app, "POST", "/docker/host/stop/" + env, null).statusCode()).isEqualTo(200);
        assertThat(call(app, "POST", "/docker/host/stop/" + env, null).statusCode()).as("already stopped is fine").isEqualTo(200);
        assertThat(call(app, "POST", "/docker/host/start/" + env, null).statusCode()).isEqualTo(200);

        r = call(app, "POST", "/docker/create_tar/" + env, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode tar = Json.tree(r.body());
        assertThat(tar.path("message").asText()).isEqualTo("Container tarball created/refreshed successfully.");
        Path file = Path.of(tar.path("tarball_path").asText());
        assertThat(file).exists().hasParent(cfg.containerDir());
        assertThat(file.getFileName().toString()).matches(env + "-\\d+\\.tar");
        assertThat(docker("inspect", "-f", "{{.State.Running}}", env).out()).as("restarted after packaging").isEqualTo("true");

        r = call(app, "POST", "/docker/create_tar/" + env, null);
        Path second = Path.of(Json.tree(r.body()).path("tarball_path").asText());
        assertThat(second).exists();
        assertThat(file).as("older version removed once the new one is complete").doesNotExist();
        JsonNode tars = Json.tree(call(app, "GET", "/docker/list", null).body()).path(env);
        assertThat(tars.path("latest_tarball").asText()).isEqualTo(second.getFileName().toString());
        assertThat(tars.path("all_versions")).hasSize(1);
        assertThat(tars.path("all_versions").path(0).path("sha256").asText()).hasSize(64);

        assertThat(call(app, "POST", "/docker/host/delete/" + env, null).statusCode()).isEqualTo(200);
        assertThat(docker("inspect", env).code()).isNotZero();
        assertThat(second).as("tarballs survive container deletion").exists();

        String ts = tars.path("latest_timestamp").asText();
        assertThat(call(app, "DELETE", "/docker/tar/" + env + "/" + ts, null).statusCode()).isEqualTo(200);
        assertThat(second).doesNotExist();
        assertThat(Path.of(second + ".sha256")).doesNotExist();
        assertThat(call(app, "DELETE", "/docker/tar/" + env + "/" + ts, null).statusCode()).isEqualTo(404);
        assertThat(call(app, "DELETE", "/docker/tar/" + env + "/abc", null).statusCode()).isEqualTo(400);
    }

    @Test
    void errorsArePlainAndUseTheRightStatus() throws Exception {
        String missing = "e-" + fx.runId + "-nope";
        for (String op : List.of("start", "stop", "delete")) {
            HttpResponse<String> r = call(app, "POST", "/docker/host/" + op + "/" + missing, null);
            assertThat(r.statusCode()).as(op).isEqualTo(404);
            assertThat(detail(r)).isEqualTo("Container '" + missing + "' not found.");
        }
        HttpResponse<String> r = call(app, "POST", "/docker/create_tar/" + missing, null);
        assertThat(r.statusCode()).isEqualTo(404);
        r = call(app, "POST", "/docker/host/start/-rf", null);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(detail(r)).contains("Invalid environment/container name '-rf'");
        r = call(app, "POST", "/docker/host/create", Map.of("image_name", "hakuriver-test/not-there:1", "container_name", fx.env("nopull")));
        assertThat(r.statusCode()).as("a missing image is the request's problem: 4xx, not 500").isEqualTo(404);
        assertThat(detail(r)).startsWith("Image 'hakuriver-test/not-there:1' is not available locally and could not be pulled")
                .contains("docker import - hakuriver-test/not-there:1").doesNotContain("Unexpected error");
        r = call(downApp, "GET", "/docker/host/containers", null);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(detail(r)).contains("Docker engine unreachable");
        assertThat(call(downApp, "POST", "/docker/create_tar/x", null).statusCode()).isEqualTo(503);
    }

    @Test
    void terminalRunsAnInteractiveShellAndEndsWithIt() throws Exception {
        String env = fx.env("term");
        module.environments().createContainer(DockerFixture.BASE_IMAGE, env);
        for (String prefix : List.of("", "/api", "/api/api")) {
            Session s = Session.open(app, prefix + "/docker/host/containers/" + env + "/terminal");
            s.send(Map.of("type", "resize", "rows", 33, "cols", 101));
            s.send(Map.of("type", "input", "data", "stty size; echo \"h\u00e9llo\" > /hello.txt; echo done-$((6*7))\n"));
            await().atMost(10, TimeUnit.SECONDS).until(() -> s.output().contains("done-42"));
            s.send(Map.of("type", "input", "data", "exit\n"));
            assertThat(s.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
            assertThat(s.output()).startsWith("Terminal connected.\r\n").contains("33 101");
            assertThat(docker("exec", env, "cat", "/hello.txt").out()).isEqualTo("h\u00e9llo");
        }
        // A client that disconnects without exiting: its shell is hung up, not left behind.
        Session s = Session.open(app, "/docker/host/containers/" + env + "/terminal");
        s.send(Map.of("type", "input", "data", "echo ready\n"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> s.output().contains("ready"));
        assertThat(docker("exec", env, "ps").out()).contains("/bin/sh");
        s.ws.sendClose(1000, "bye").get(5, TimeUnit.SECONDS);
        await().atMost(10, TimeUnit.SECONDS).until(() -> !docker("exec", env, "ps", "-o", "comm").out().contains("\nsh"));
    }

    @Test
    void terminalRefusesUnknownStoppedAndForeignContainers() throws Exception {
        Session s = Session.open(app, "/docker/host/containers/e-" + fx.runId + "-ghost/terminal");
        assertThat(s.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1008);
        assertThat(s.errors).containsExactly("Container 'e-" + fx.runId + "-ghost' not found.");

        String foreign = "foreign-" + fx.runId;
        docker("run", "-d", "--name", foreign, "--label", "hakuriver.test=" + fx.runId, DockerFixture.BASE_IMAGE, "sleep", "300");
        s = Session.open(app, "/docker/host/containers/" + foreign + "/terminal");
        assertThat(s.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1008);
        assertThat(s.errors.get(0)).contains("not a HakuRiver environment");

        String env = fx.env("stopped");
        module.environments().createContainer(DockerFixture.BASE_IMAGE, env);
        module.environments().stop(env);
        s = Session.open(app, "/docker/host/containers/" + env + "/terminal");
        assertThat(s.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1008);
        assertThat(s.errors.get(0)).startsWith("Container '" + env + "' is not running (status: exited)");
    }

    @Test
    void terminalNeedsTheTokenWhenTheClusterHasOne() throws Exception {
        HakuConfig tokenCfg = fx.config(fx.runner("tok"), "[security]\ntoken = \"t0k-" + fx.runId + "\"\n");
        DockerHostModule m = new DockerHostModule(tokenCfg);
        Javalin secured = serve(m);
        try {
            String env = fx.env("tok");
            m.environments().createContainer(DockerFixture.BASE_IMAGE, env);
            String path = "/api/docker/host/containers/" + env + "/terminal";
            URI uri = URI.create("ws://127.0.0.1:" + secured.port() + path);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> http.newWebSocketBuilder().buildAsync(uri, new Session()).get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(java.net.http.WebSocketHandshakeException.class).hasStackTraceContaining("401");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> http.newWebSocketBuilder().header("Authorization", "Bearer wrong")
                    .buildAsync(uri, new Session()).get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(java.net.http.WebSocketHandshakeException.class).hasStackTraceContaining("401");
            for (boolean query : new boolean[]{false, true}) {
                Session s = new Session();
                WebSocket.Builder b = http.newWebSocketBuilder();
                if (!query) b.header("Authorization", "Bearer t0k-" + fx.runId);
                s.ws = b.buildAsync(query ? URI.create(uri + "?token=t0k-" + fx.runId) : uri, s).get(10, TimeUnit.SECONDS);
                s.send(Map.of("type", "input", "data", "exit\n"));
                assertThat(s.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
                assertThat(s.output()).startsWith("Terminal connected.");
            }
        } finally {
            secured.stop();
        }
    }

    /** A minimal terminal client. */
    static final class Session implements WebSocket.Listener {
        final StringBuffer out = new StringBuffer();
        final List<String> errors = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final StringBuilder partial = new StringBuilder();
        WebSocket ws;

        static Session open(Javalin a, String path) throws Exception {
            Session s = new Session();
            s.ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + a.port() + path), s).get(10, TimeUnit.SECONDS);
            return s;
        }

        String output() { return out.toString(); }

        synchronized void send(Map<String, Object> m) throws Exception { ws.sendText(Json.write(m), true).get(5, TimeUnit.SECONDS); }

        @Override public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonNode m = Json.tree(partial.toString());
                partial.setLength(0);
                if (m.path("type").asText().equals("output")) out.append(m.path("data").asText());
                else errors.add(m.path("data").asText());
            }
            w.request(1);
            return null;
        }

        @Override public CompletionStage<?> onClose(WebSocket w, int status, String reason) { closed.complete(status); return null; }

        @Override public void onError(WebSocket w, Throwable e) { closed.completeExceptionally(e); }
    }
}
