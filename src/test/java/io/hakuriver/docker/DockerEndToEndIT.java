package io.hakuriver.docker;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.testsupport.Cluster;
import io.hakuriver.testsupport.Env;
import io.hakuriver.util.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.hakuriver.docker.DockerFixture.docker;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 4, point 5, with separate processes: a Host JVM, Runner JVMs, and the hakuriver.docker /
 * hakuriver.docker-shell CLIs as their own JVMs, all against the real Docker engine. The steps build on each other
 * (ordered): prepare an environment through the CLI and the terminal, package it, run tasks in it on a Runner.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DockerEndToEndIT {
    static DockerFixture fx;
    static Cluster cluster;
    static String env;
    static String node;

    @BeforeAll
    static void setUp() throws Exception {
        fx = new DockerFixture();
        env = fx.env("e2e");
        node = fx.runner("e2e");
        cluster = Cluster.start(fx.root.resolve("cluster"), null, """
                [docker]
                default_container_name = "e-%s-default"
                initial_base_image = "%s"
                """.formatted(fx.runId, DockerFixture.BASE_IMAGE));
        cluster.addRunner(node, "");
        cluster.awaitOnline(1);
    }

    @AfterAll
    static void tearDown() {
        if (cluster != null) cluster.close();
        if (fx != null) fx.close();
    }

    static Cluster.Result dockerCli(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("docker", "--config", cluster.hostConfig().toString()));
        argv.addAll(List.of(args));
        return Cluster.cli(argv);
    }

    /** Runs hakuriver.docker-shell with {@code input} on its (non-TTY) stdin. */
    static Cluster.Result shell(String name, String input) throws Exception {
        List<String> argv = new ArrayList<>(List.of(Env.javaBin().toString(), "-jar", Env.jar().toString(),
                "docker-shell", "--config", cluster.hostConfig().toString(), name));
        Path out = Files.createTempFile(fx.root, "shell", ".out"), err = Files.createTempFile(fx.root, "shell", ".err");
        Process p = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try (OutputStream in = p.getOutputStream()) { in.write(input.getBytes(StandardCharsets.UTF_8)); }
        if (!p.waitFor(60, TimeUnit.SECONDS)) { p.destroyForcibly(); throw new AssertionError("docker-shell did not end"); }
        return new Cluster.Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    static String submit(String command, List<String> args, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("command", command);
        body.put("arguments", args);
        body.put("env_vars", Map.of());
        body.put("required_cores", 0);
        body.put("container_name", env);
        body.put("targets", List.of(node));
        body.putAll(extra);
        JsonNode r = cluster.client().post("/submit", body);
        assertThat(r.path("task_ids")).as(r.toString()).hasSize(1);
        return r.path("task_ids").path(0).asText();
    }

    static JsonNode finished(String id) throws Exception {
        return cluster.awaitTask(id, Duration.ofSeconds(90), Cluster::isFinal);
    }

    static String stdout(String id) {
        return cluster.client().send("GET", "/task/" + id + "/stdout", null, Duration.ofSeconds(10)).body();
    }

    static long loadsInRunnerLog() throws Exception {
        return Files.readAllLines(cluster.dir.resolve("runner-" + node + ".log")).stream()
                .filter(l -> l.contains("Loaded environment " + env + " ")).count();
    }

    @Test @Order(1)
    void theHostCreatesTheDefaultEnvironmentFromTheLocalImage() throws Exception {
        String def = "e-" + fx.runId + "-default";
        Cluster.await(Duration.ofSeconds(60), "default environment tarball", () -> cluster.client().get("/docker/list").has(def));
        assertThat(docker("inspect", "-f", "{{.Config.Image}}", def).out()).isEqualTo(DockerFixture.BASE_IMAGE);
    }

    @Test @Order(2)
    void prepareThroughTheCliAndTheTerminalThenPackage() throws Exception {
        Cluster.Result r = dockerCli("create-container", DockerFixture.BASE_IMAGE, env);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Json.tree(r.out()).path("message").asText()).isEqualTo("Container '" + env + "' created or already exists.");
        assertThat(r.out()).contains("\n  \"message\""); // pretty-printed, 2-space indent

        r = shell(env, "echo from-shell > /marker; echo ok-$((20+22))\nexit\n");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("Terminal connected.", "ok-42");
        assertThat(docker("exec", env, "cat", "/marker").out()).isEqualTo("from-shell");

        r = dockerCli("create-tar", env);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Path.of(Json.tree(r.out()).path("tarball_path").asText())).exists();
        r = dockerCli("list-tars");
        assertThat(Json.tree(r.out()).path(env).path("all_versions")).hasSize(1);
        r = dockerCli("list-containers");
        assertThat(r.out()).contains("\"name\" : \"" + env + "\"");

        r = dockerCli("start-container", "No/Such");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Invalid environment/container name");
        r = dockerCli("stop-container", "e-" + fx.runId + "-ghost");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("HTTP 404", "not found");
        r = shell("e-" + fx.runId + "-ghost", "");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("ERROR: Container 'e-" + fx.runId + "-ghost' not found.");
    }

    @Test @Order(3)
    void aRunnerLoadsTheEnvironmentAndTheTaskSeesTheChange() throws Exception {
        docker("rmi", "hakuriver/" + env + ":base"); // the Runner shares this engine: make it load the tarball
        String id = submit("sh", List.of("-c", "cat /marker; echo \"$FOO|$HAKURIVER_SHARED_DIR\"; echo made > /shared/e2e-$HAKURIVER_TASK_ID"),
                Map.of("env_vars", Map.of("FOO", "bar")));
        JsonNode t = finished(id);
        assertThat(t.path("status").asText()).as(t.toString()).isEqualTo("completed");
        assertThat(stdout(id)).isEqualTo("from-shell\nbar|/shared\n");
        assertThat(cluster.sharedDir().resolve("shared_data").resolve("e2e-" + id)).hasContent("made");
        assertThat(loadsInRunnerLog()).isEqualTo(1);

        String again = submit("cat", List.of("/marker"), Map.of());
        assertThat(finished(again).path("status").asText()).isEqualTo("completed");
        assertThat(loadsInRunnerLog()).as("an unchanged tarball is not loaded again").isEqualTo(1);

        docker("exec", env, "sh", "-c", "echo second > /marker");
        assertThat(dockerCli("create-tar", env).exit()).isZero();
        String newer = submit("cat", List.of("/marker"), Map.of());
        assertThat(finished(newer).path("status").asText()).isEqualTo("completed");
        assertThat(stdout(newer)).isEqualTo("second\n");
        assertThat(loadsInRunnerLog()).isEqualTo(2);

        // The documented client form: one command string with shell syntax, a variable, --wait.
        Cluster.Result r = cluster.client("--container", env, "--target", node, "--env", "X=42", "--wait", "--",
                "echo \"$X $(cat /marker)\" > /shared/cli-" + fx.runId + ".txt");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(cluster.sharedDir().resolve("shared_data").resolve("cli-" + fx.runId + ".txt")).hasContent("42 second");
    }

    @Test @Order(4)
    void killPauseResumeOomAndShellSyntaxThroughTheHost() throws Exception {
        String id = submit("sleep", List.of("60"), Map.of("required_cores", 1, "required_memory_bytes", 64L * 1024 * 1024));
        cluster.awaitTask(id, Duration.ofSeconds(60), "running"::equals);
        String c = "hakuriver-task-" + id;
        assertThat(docker("inspect", "-f", "{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}} {{index .Config.Labels \"hakuriver.node\"}}", c).out())
                .isEqualTo("1000000000 67108864 " + node);
        assertThat(cluster.client().post("/command/" + id + "/pause", null).toString()).isNotEmpty();
        Cluster.await(Duration.ofSeconds(10), "paused", () -> docker("inspect", "-f", "{{.State.Paused}}", c).out().equals("true"));
        cluster.client().post("/command/" + id + "/resume", null);
        Cluster.await(Duration.ofSeconds(10), "resumed", () -> docker("inspect", "-f", "{{.State.Paused}}", c).out().equals("false"));
        cluster.client().post("/kill/" + id, null);
        assertThat(finished(id).path("status").asText()).isEqualTo("killed");
        Cluster.await(Duration.ofSeconds(10), "container removed", () -> docker("inspect", c).code() != 0);

        String oom = submit("dd", List.of("if=/dev/zero", "of=/dev/null", "bs=256M", "count=1"), Map.of("required_memory_bytes", 16L * 1024 * 1024));
        JsonNode o = finished(oom);
        assertThat(o.path("status").asText()).as(o.toString()).isEqualTo("killed_oom");

        Path canary = Path.of("/tmp/hakuriver-e2e-canary-" + fx.runId);
        String sh = submit("touch " + canary + " && echo in-container", List.of(), Map.of());
        assertThat(finished(sh).path("status").asText()).isEqualTo("completed");
        assertThat(stdout(sh)).isEqualTo("in-container\n");
        assertThat(canary).doesNotExist();
    }

    @Test @Order(5)
    void aRestartedRunnerReconcilesItsRunningContainer() throws Exception {
        String id = submit("sh", List.of("-c", "echo start; sleep 5; echo end"), Map.of());
        cluster.awaitTask(id, Duration.ofSeconds(60), "running"::equals);
        cluster.stopRunner(node, true); // SIGKILL: no chance to clean up
        assertThat(docker("inspect", "-f", "{{.State.Running}}", "hakuriver-task-" + id).out()).isEqualTo("true");
        cluster.startRunner(node);
        JsonNode t = finished(id);
        assertThat(t.path("status").asText()).as(t.toString()).isEqualTo("completed");
        assertThat(stdout(id)).isEqualTo("start\nend\n");
    }
    @Test @Order(6)
    void aRunnerWhoseDockerEngineIsDownFailsTasksClearlyAndSaysSoInItsHealth() throws Exception {
        String down = fx.runner("down");
        int port = Cluster.freePort();
        String cfg = Files.readString(cluster.runner(node).config)
                .replace("runner_port = " + cluster.runner(node).port, "runner_port = " + port)
                .replace("name = \"" + node + "\"", "name = \"" + down + "\"")
                .replace("state-" + node, "state-" + down);
        Path cfgFile = fx.writeConfig("runner-down.toml", cfg);
        List<String> argv = List.of(Env.javaBin().toString(), "-jar", Env.jar().toString(), "runner", "--config", cfgFile.toString());
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(fx.root.resolve("runner-down.log").toFile());
        pb.environment().put("HOME", fx.root.toString());
        pb.environment().put("DOCKER_HOST", "unix://" + fx.root.resolve("stopped-docker.sock")); // an engine that is not running
        Process p = pb.start();
        try {
            cluster.awaitOnline(2);
            JsonNode health = Json.tree(cluster.client().send("GET", "/health", null, Duration.ofSeconds(5)).body());
            String runnerHealth = new io.hakuriver.client.HostClient("http://127.0.0.1:" + port, "").send("GET", "/health", null, Duration.ofSeconds(5)).body();
            assertThat(runnerHealth).contains("Docker engine unreachable");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("command", "true");
            body.put("arguments", List.of());
            body.put("container_name", env);
            body.put("targets", List.of(down));
            String id = cluster.client().post("/submit", body).path("task_ids").path(0).asText();
            JsonNode t = finished(id);
            assertThat(t.path("status").asText()).isEqualTo("failed");
            assertThat(t.path("error_message").asText()).contains("Docker engine unreachable");
            assertThat(health).isNotNull();
        } finally {
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
        }
    }
}
