package io.hakuriver.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.hakuriver.client.HostClient;
import io.hakuriver.testsupport.Cluster;
import io.hakuriver.util.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our real Runner against an original v0.1 Host, played by this test with the original's answers (no /updates):
 * what it sends has the original Runner's fields, its /update timestamps are naive local time (a v0.1 Host stores an
 * offset and then fails to read it back), and the /run a v0.1 Host sends for {@code --container NULL}
 * ({@code "hakuriver/None:base"}, its own bug, wire-transcripts.md §18) runs as a task without a container.
 */
class OriginalHostIT {
    static final String NAIVE = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}";
    @TempDir Path tmp;
    Cluster c;
    HttpServer host;
    final List<String[]> received = new CopyOnWriteArrayList<>();

    @AfterEach void down() {
        if (c != null) c.close();
        if (host != null) host.stop(0);
    }

    private void startOriginalHost(int port) throws Exception {
        host = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        host.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new String[]{path, body});
            int status = 200;
            String answer;
            if (path.equals("/register")) answer = "{\"message\":\"Runner " + Json.tree(body).path("hostname").asText() + " acknowledged.\"}";
            else if (path.startsWith("/heartbeat/")) answer = "{\"message\":\"Heartbeat received\"}";
            else if (path.equals("/update")) answer = "{\"message\":\"Task status updated successfully.\"}";
            else { status = 404; answer = "{\"detail\":\"Not Found\"}"; }
            byte[] out = answer.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("content-type", "application/json");
            ex.sendResponseHeaders(status, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        host.start();
    }

    private List<JsonNode> bodies(String path) {
        return received.stream().filter(r -> r[0].equals(path)).map(r -> Json.tree(r[1])).toList();
    }

    @Test void ourRunnerWorksForAnOriginalHost() throws Exception {
        c = Cluster.withoutHost(tmp.resolve("c"));
        startOriginalHost(c.hostPort);
        Cluster.Runner r = c.addRunner("vm", null);
        Cluster.await(Duration.ofSeconds(30), "a registration and a heartbeat", () -> !bodies("/register").isEmpty() && !bodies("/heartbeat/vm").isEmpty());
        JsonNode reg = bodies("/register").get(0);
        assertThat(reg.get("hostname").asText()).isEqualTo("vm");
        assertThat(reg.get("total_cores").isInt()).isTrue();
        assertThat(reg.get("total_ram_bytes").isIntegralNumber()).isTrue();
        assertThat(reg.get("runner_url").asText()).isEqualTo(r.url());
        assertThat(reg.has("numa_topology")).isTrue();
        JsonNode hb = bodies("/heartbeat/vm").get(0);
        for (String f : List.of("running_tasks", "killed_tasks", "cpu_percent", "memory_percent", "memory_used_bytes", "memory_total_bytes")) {
            assertThat(hb.has(f)).as(f).isTrue();
        }

        // the /run a v0.1 Host sends for --container NULL, verbatim (wire-transcripts.md §18)
        var run = new HostClient(r.url(), "").send("POST", "/run", Json.tree("""
            {
              "task_id": 7531584875996905472,
              "command": "echo",
              "arguments": [
                "hello"
              ],
              "env_vars": {},
              "required_cores": 0,
              "stdout_path": "peer/shared/task_outputs/7531584875996905472.out",
              "stderr_path": "peer/shared/task_errors/7531584875996905472.err",
              "required_memory_bytes": null,
              "target_numa_node_id": null,
              "docker_image_name": "hakuriver/None:base",
              "docker_privileged": false,
              "docker_additional_mounts": []
            }"""), Duration.ofSeconds(10));
        assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
        assertThat(run.body()).isEqualTo("{\"message\":\"Task accepted for launch\",\"task_id\":7531584875996905472}");
        Cluster.await(Duration.ofSeconds(30), "the task's outcome", () -> bodies("/update").stream()
                .anyMatch(u -> u.path("task_id").asLong() == 7531584875996905472L && !u.path("status").asText().equals("running")));
        JsonNode done = bodies("/update").stream().filter(u -> !u.path("status").asText().equals("running")).findFirst().orElseThrow();
        assertThat(done.get("status").asText()).as("run without a container, not failed by Docker: %s", done).isEqualTo("completed");
        assertThat(done.get("exit_code").asInt()).isZero();
        assertThat(done.get("task_id").isIntegralNumber()).isTrue();
        assertThat(Files.readString(c.sharedDir().resolve("task_outputs/7531584875996905472.out"))).isEqualTo("hello\n");
        for (JsonNode u : bodies("/update")) {
            for (String f : List.of("task_id", "status", "exit_code", "message", "started_at", "completed_at")) assertThat(u.has(f)).as(f).isTrue();
            for (String f : List.of("started_at", "completed_at")) {
                if (!u.get(f).isNull()) assertThat(u.get(f).asText()).as("%s of %s: naive local time, as the original Runner sends", f, u).matches(NAIVE);
            }
        }
        assertThat(done.get("completed_at").isNull()).isFalse();
    }
}
