package io.hakuriver.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.testsupport.Cluster;
import io.hakuriver.testsupport.FakeNvidiaSmi;
import io.hakuriver.testsupport.Env;
import io.hakuriver.testsupport.Preconditions;
import org.junit.jupiter.api.extension.ExtendWith;
import io.hakuriver.util.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in a real browser (Debian's Chromium driven by Playwright, scripts in tests-browser/) against a
 * real Host and a real Runner, each its own JVM started from the shaded jar, with a cluster token.
 * Order matters: the last test stops the Runner.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(Preconditions.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserIT {
    private static final String RUNNER = "dash-runner";
    private static final int FAKE_NODES = 19;      // + the real Runner = 20 nodes
    private static final int SCALE_TASKS = 1000;
    /** Made by the Docker test environment script (busybox-static imported with `docker import`). */
    private static final String DOCKER_IMAGE = "hakuriver-test/busybox:1";

    private final Path repo = Path.of("").toAbsolutePath();
    private final Path browserDir = repo.resolve("tests-browser");
    private final String token = "dash-" + UUID.randomUUID();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Process> scripts = Collections.synchronizedList(new ArrayList<>());
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fake-node-heartbeats"); t.setDaemon(true); return t; });
    private Cluster cluster;
    private String baseUrl;

    /** Run by {@link Preconditions} before the class: a missing part skips it with the reason in the report. */
    static void preconditions() {
        Env.require(Files.isExecutable(Path.of("/usr/bin/chromium")), "Debian's Chromium (/usr/bin/chromium)");
        Env.require(Env.run("node", "--version") == 0, "Node.js (node)");
        Env.require(Files.isDirectory(Path.of("tests-browser/node_modules/playwright-core").toAbsolutePath()),
                "playwright-core in tests-browser/node_modules (npm ci)");
    }

    @BeforeAll
    void startCluster() throws Exception {
        Env.jar();
        cluster = Cluster.start(Files.createTempDirectory("hakuriver-dash-it"), token, """

                [docker]
                # this test must not create a default environment on a Docker daemon shared with other tests
                initial_base_image = "hakuriver-test/dashboard-it-no-such-image:0"
                """);
        baseUrl = cluster.hostUrl();
        // two GPUs from the fake nvidia-smi (this machine has none), shared by up to two tasks each
        FakeNvidiaSmi gpus = FakeNvidiaSmi.withGpus(cluster.dir.resolve("fake-gpus"), "dash", 2);
        cluster.addRunner(RUNNER, "null_backend = \"process\"\n" + gpus.toml(2));
        cluster.awaitOnline(1);
    }

    @AfterAll
    void stopCluster() {
        heartbeats.shutdownNow();
        for (Process p : scripts) p.destroyForcibly();
        if (cluster != null) {
            cluster.close();
            System.out.println("[dashboard IT] Host and Runner logs in " + cluster.dir);
        }
    }

    @Test @Order(0)
    void dashboardLogicUnitTests() throws Exception {
        // Pure functions of the dashboard's modules (memory units, submit body, allowed actions...), no browser.
        Process p = new ProcessBuilder("node", "--test", "--test-reporter=spec", "unit/").directory(browserDir.toFile())
                .redirectErrorStream(true).start();
        scripts.add(p);
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as(out).containsPattern("pass [1-9]").contains("fail 0");
    }

    @Test @Order(1)
    void pagesSubmitFollowKillAndValidation() throws Exception {
        runScript("main-flow.mjs", Duration.ofMinutes(4));
    }

    @Test @Order(2)
    void deepLinksReloadIntoTheDashboard() throws Exception {
        JsonNode newest = Json.MAPPER.readTree(get("/tasks?limit=1").body());
        String taskId = newest.size() > 0 ? newest.get(0).path("task_id").asText() : "1";
        runScript("deep-links.mjs", Duration.ofMinutes(2), Map.of("TASK_ID", taskId));
    }

    @Test @Order(2)
    void drainButtonAndATasksHistory() throws Exception {
        String parent = submitted(Map.of("command", "sleep", "arguments", List.of("4"), "container_name", "NULL", "required_cores", 0));
        String childId = submitted(Map.of("command", "true", "container_name", "NULL", "required_cores", 0, "after", List.of(parent)));
        runScript("workflow-flow.mjs", Duration.ofMinutes(2), Map.of("PARENT_ID", parent, "CHILD_ID", childId));
        assertThat(nodeDrain(RUNNER)).as("left undrained").isFalse();
    }

    @Test @Order(3)
    void dockerPageContainerTerminalAndTarball() throws Exception {
        Env.requireDockerImage(DOCKER_IMAGE);
        String env = "dash-it-" + Long.toString(System.nanoTime(), 36);
        // a container of someone else on the same engine (created, never started): the page must not list it
        String foreign = env + "-foreign";
        assertThat(Env.run("docker", "create", "--name", foreign, "--label", "hakuriver.test=dashboard-it", DOCKER_IMAGE, "true")).isZero();
        try {
            runScript("docker-flow.mjs", Duration.ofMinutes(5), Map.of("DOCKER_ENV", env, "DOCKER_IMAGE", DOCKER_IMAGE, "FOREIGN_CONTAINER", foreign));
        } finally {
            Env.run("docker", "rm", "-f", foreign);
            // The Host created these (it cannot label them for us): remove them by their exact names.
            Env.run("docker", "rm", "-f", env);
            for (String ref : dockerLines("docker", "image", "ls", "--filter", "reference=hakuriver/" + env, "--format", "{{.Repository}}:{{.Tag}}")) {
                Env.run("docker", "image", "rm", "-f", ref);
            }
        }
    }

    @Test @Order(4)
    void thousandTasksAndTwentyNodesStayResponsive() throws Exception {
        registerFakeNodes();
        runScript("hero.mjs", Duration.ofMinutes(2)); // the README's picture: healthy, before the flood of failed tasks
        submitMany();
        await("all " + SCALE_TASKS + " tasks visible").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> Long.parseLong(get("/tasks?limit=1").headers().firstValue("X-Total-Count").orElse("0")) >= SCALE_TASKS);
        runScript("scale.mjs", Duration.ofMinutes(3));
    }

    @Test @Order(5)
    void gpusOnTheSubmitFormAndTheNodePage() throws Exception {
        runScript("gpu-flow.mjs", Duration.ofMinutes(2));
    }

    @Test @Order(6)
    void nodeGoesOfflineWhenItsRunnerStops() throws Exception {
        assertThat(nodeStatus(RUNNER)).isEqualTo("online");
        // The script shows /nodes with the node online, then asks for the stop: the change must arrive live.
        Process runner = cluster.runner(RUNNER).process();
        runScript("node-offline.mjs", Duration.ofMinutes(2), Map.of(), Map.of("stop-runner", () -> {
            try {
                cluster.stopRunner(RUNNER, false);
            } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        }));
        assertThat(runner.isAlive()).as("the script asked for the runner stop").isFalse();
    }

    // ---- cluster helpers ----------------------------------------------------------------------------------

    /** 19 more nodes speaking the runner protocol (register + a heartbeat per second); their runner URL refuses connections. */
    private void registerFakeNodes() throws Exception {
        for (int i = 1; i <= FAKE_NODES; i++) {
            String name = String.format("sim-node-%02d", i);
            String numa = i % 2 == 0 ? "{\"0\": {\"cores\": [0,1,2,3,4,5,6,7], \"memory_bytes\": 34359738368},"
                    + " \"1\": {\"cores\": [8,9,10,11,12,13,14,15], \"memory_bytes\": 34359738368}}" : "null";
            HttpResponse<String> r = send("POST", "/register", """
                    {"hostname": "%s", "total_cores": 16, "total_ram_bytes": 68719476736,
                     "runner_url": "http://127.0.0.1:1", "numa_topology": %s}""".formatted(name, numa));
            assertThat(r.statusCode()).as("register " + name + ": " + r.body()).isEqualTo(200);
        }
        heartbeats.scheduleAtFixedRate(() -> {
            for (int i = 1; i <= FAKE_NODES; i++) {
                try {
                    send("PUT", "/heartbeat/" + String.format("sim-node-%02d", i), """
                            {"running_tasks": [], "killed_tasks": [], "cpu_percent": %d.5, "memory_percent": %d.0,
                             "memory_used_bytes": %d, "memory_total_bytes": 68719476736}""".formatted(
                            (i * 7) % 100, 10 + (i * 3) % 55, (long) (10 + (i * 3) % 55) * 687194767L));
                } catch (Exception ignored) { /* the next beat retries */ }
            }
        }, 0, 1, TimeUnit.SECONDS);
        await("fake nodes online").atMost(Duration.ofSeconds(20)).until(() -> countOnline() == FAKE_NODES + 1);
    }

    /**
     * 1000 tasks in batches of 50 targets: most to the simulated nodes (their dispatch fails at once, so they end
     * as failed), every tenth batch to the real Runner (runs `true`), like a busy cluster's history.
     */
    private void submitMany() throws Exception {
        for (int b = 0; b < SCALE_TASKS / 50; b++) {
            List<String> targets = new ArrayList<>();
            for (int i = 0; i < 50; i++) targets.add(b % 10 == 0 ? RUNNER : String.format("sim-node-%02d", 1 + (b * 50 + i) % FAKE_NODES));
            String body = Json.MAPPER.writeValueAsString(Map.of("command", "true", "arguments", List.of("scale-" + b),
                    "required_cores", 0, "container_name", "NULL", "targets", targets));
            HttpResponse<String> r = send("POST", "/submit", body);
            assertThat(r.statusCode()).as("submit batch " + b + ": " + r.body()).isEqualTo(202);
        }
    }

    private long countOnline() throws Exception {
        long n = 0;
        for (JsonNode node : Json.MAPPER.readTree(get("/nodes").body())) if ("online".equals(node.path("status").asText())) n++;
        return n;
    }

    private String submitted(Map<String, Object> body) throws Exception {
        HttpResponse<String> r = send("POST", "/submit", Json.MAPPER.writeValueAsString(body));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return Json.MAPPER.readTree(r.body()).get("task_ids").get(0).asText();
    }

    private boolean nodeDrain(String hostname) throws Exception {
        for (JsonNode node : Json.MAPPER.readTree(get("/nodes").body())) {
            if (hostname.equals(node.path("hostname").asText())) return node.path("drain").asBoolean();
        }
        throw new AssertionError("no node " + hostname);
    }

    private String nodeStatus(String hostname) throws Exception {
        for (JsonNode node : Json.MAPPER.readTree(get("/nodes").body())) {
            if (hostname.equals(node.path("hostname").asText())) return node.path("status").asText();
        }
        return "unregistered";
    }

    private HttpResponse<String> get(String path) throws Exception { return send("GET", path, null); }

    private HttpResponse<String> send(String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + "/api" + path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + token);
        if (json != null) b.header("Content-Type", "application/json");
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> dockerLines(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(30, TimeUnit.SECONDS);
        return out.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
    }

    // ---- browser ------------------------------------------------------------------------------------------

    /** Runs one Playwright script; its step lines go to this test's output and a failing step fails the test. */
    private void runScript(String script, Duration timeout) throws Exception { runScript(script, timeout, Map.of()); }

    private void runScript(String script, Duration timeout, Map<String, String> env) throws Exception {
        runScript(script, timeout, env, Map.of());
    }

    /** signals: a line "signal NAME" from the script runs the matching action (e.g. stop the Runner now). */
    private void runScript(String script, Duration timeout, Map<String, String> env, Map<String, Runnable> signals) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("node", script, baseUrl).directory(browserDir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("HAKURIVER_TOKEN", token);
        pb.environment().put("RUNNER_NAME", RUNNER);
        pb.environment().put("EXPECT_TASKS", String.valueOf(SCALE_TASKS));
        pb.environment().put("EXPECT_NODES", String.valueOf(FAKE_NODES + 1));
        pb.environment().put("SCREENSHOT_DIR", repo.resolve("artifacts/screenshots").toString());
        Process p = pb.start();
        scripts.add(p);
        StringBuilder out = new StringBuilder();
        Thread pump = new Thread(() -> {
            try (var r = p.inputReader()) {
                String line;
                while ((line = r.readLine()) != null) {
                    System.out.println("[" + script + "] " + line);
                    synchronized (out) { out.append(line).append('\n'); }
                    if (line.startsWith("signal ") && signals.containsKey(line.substring(7).trim())) signals.get(line.substring(7).trim()).run();
                }
            } catch (IOException ignored) { /* process ended */ }
        });
        pump.start();
        boolean ended = p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
        if (!ended) p.destroyForcibly();
        pump.join(5000);
        String text;
        synchronized (out) { text = out.toString(); }
        assertThat(ended).as(script + " did not finish within " + timeout + ":\n" + text).isTrue();
        assertThat(p.exitValue()).as(script + " failed:\n" + text + "\n" + cluster.dumpLogs()).isZero();
        assertThat(text).as(script + " ran no step").containsPattern("(?m)^[1-9]\\d* passed, 0 failed$");
    }
}
