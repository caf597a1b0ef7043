package io.hakuriver.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.hakuriver.client.HostClient;
import io.hakuriver.testsupport.Cluster;
import io.hakuriver.util.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Test vectors from the original HakuRiver's wire transcripts (shared/spec/wire-transcripts.md): the exact request
 * bodies an original runner and an original CLI send (httpx's spaced JSON, naive local timestamps) are replayed
 * against our Host, and what our Host sends to a runner is checked field by field.
 */
class WireCompatIT {
    @TempDir Path tmp;
    Cluster c;
    HttpServer fakeRunner;
    final LinkedBlockingQueue<String[]> toRunner = new LinkedBlockingQueue<>();

    @AfterEach void down() {
        if (fakeRunner != null) fakeRunner.stop(0);
        if (c != null) c.close();
    }

    private HttpResponse<String> raw(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(c.hostUrl() + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("User-Agent", "python-httpx/0.23.3");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An "original runner": answers /run and /kill like v0.1 and records what the Host sent. */
    private int startFakeRunner() throws Exception {
        fakeRunner = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fakeRunner.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            toRunner.add(new String[]{ex.getRequestURI().getPath(), body});
            JsonNode n = Json.tree(body);
            String resp = ex.getRequestURI().getPath().equals("/run")
                    ? "{\"message\":\"Task accepted for launch\",\"task_id\":" + n.get("task_id").asLong() + "}"
                    : "{\"message\":\"Kill processed for task " + n.get("task_id").asLong() + ". Final status will be reported via heartbeat.\"}";
            byte[] out = resp.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("content-type", "application/json");
            ex.sendResponseHeaders(200, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        fakeRunner.start();
        return fakeRunner.getAddress().getPort();
    }

    @Test void anOriginalRunnerAndClientWorkAgainstOurHost() throws Exception {
        c = Cluster.start(tmp.resolve("c"));
        int port = startFakeRunner();
        var reg = raw("POST", "/register", """
            {
              "hostname": "vm",
              "total_cores": 2,
              "total_ram_bytes": 25276502016,
              "runner_url": "http://127.0.0.1:%d",
              "numa_topology": {
                "0": {
                  "cores": [
                    0,
                    1
                  ],
                  "memory_bytes": 6134169600
                }
              }
            }""".formatted(port));
        assertThat(reg.statusCode()).isEqualTo(200);
        assertThat(Json.tree(reg.body()).get("message").asText()).isEqualTo("Runner vm acknowledged.");
        var hb = raw("PUT", "/heartbeat/vm", """
            {
              "running_tasks": [],
              "killed_tasks": [],
              "cpu_percent": 83.7,
              "memory_percent": 3.5,
              "memory_used_bytes": 578461696,
              "memory_total_bytes": 25276502016
            }""");
        assertThat(hb.statusCode()).isEqualTo(200);
        assertThat(Json.tree(hb.body()).get("message").asText()).isEqualTo("Heartbeat received");

        // the original CLI's submit body, verbatim
        var sub = raw("POST", "/submit", """
            {
              "command": "echo",
              "arguments": [
                "hello"
              ],
              "env_vars": {},
              "required_cores": 0,
              "required_memory_bytes": null,
              "targets": [
                "vm"
              ],
              "container_name": null,
              "privileged": null,
              "additional_mounts": null
            }""");
        assertThat(sub.statusCode()).isEqualTo(202);
        JsonNode subJson = Json.tree(sub.body());
        assertThat(subJson.get("message").asText()).isEqualTo("Task batch submitted successfully. 1 tasks created.");
        assertThat(subJson.has("failed_targets")).isFalse();
        String id = subJson.get("task_ids").get(0).asText();
        assertThat(subJson.get("task_ids").get(0).isTextual()).isTrue();

        String[] run = toRunner.poll(10, TimeUnit.SECONDS);
        assertThat(run).isNotNull();
        assertThat(run[0]).isEqualTo("/run");
        JsonNode r = Json.tree(run[1]);
        assertThat(r.get("task_id").isIntegralNumber()).isTrue();
        assertThat(r.get("task_id").asText()).isEqualTo(id);
        assertThat(r.get("command").asText()).isEqualTo("echo");
        assertThat(r.get("arguments").toString()).isEqualTo("[\"hello\"]");
        assertThat(r.get("env_vars").isObject()).isTrue();
        assertThat(r.get("required_cores").asInt()).isZero();
        assertThat(r.get("docker_image_name").asText()).isEqualTo("hakuriver/hakuriver-base:base");
        assertThat(r.get("docker_privileged").asBoolean()).isFalse();
        assertThat(r.get("docker_additional_mounts").isArray()).isTrue();
        assertThat(r.get("stdout_path").asText()).endsWith("/task_outputs/" + id + ".out");
        assertThat(r.get("stderr_path").asText()).endsWith("/task_errors/" + id + ".err");
        assertThat(r.has("required_memory_bytes") && r.has("target_numa_node_id")).isTrue();

        // the original runner's three updates, with naive local timestamps
        for (String body : List.of(
                "{\n  \"task_id\": %s,\n  \"status\": \"pending\",\n  \"exit_code\": null,\n  \"message\": null,\n  \"started_at\": \"2026-11-26T05:08:47.456122\",\n  \"completed_at\": null\n}",
                "{\n  \"task_id\": %s,\n  \"status\": \"running\",\n  \"exit_code\": null,\n  \"message\": null,\n  \"started_at\": \"2026-11-26T05:08:47.456122\",\n  \"completed_at\": null\n}",
                "{\n  \"task_id\": %s,\n  \"status\": \"completed\",\n  \"exit_code\": 0,\n  \"message\": null,\n  \"started_at\": null,\n  \"completed_at\": \"2026-11-26T05:08:48.432514\"\n}")) {
            var u = raw("POST", "/update", body.formatted(id));
            assertThat(u.statusCode()).isEqualTo(200);
            assertThat(Json.tree(u.body()).get("message").asText()).isEqualTo("Task status updated successfully.");
        }
        JsonNode st = Json.tree(raw("GET", "/status/" + id, null).body());
        assertThat(st.get("status").asText()).isEqualTo("completed");
        assertThat(st.get("assigned_node").asText()).isEqualTo("vm");           // null in v0.1 (defect C8)
        assertThat(st.get("batch_id").asText()).isEqualTo(id);                  // null in v0.1 (defect C6)
        assertThat(st.get("env_vars").isObject()).isTrue();                     // [] in v0.1 (defect C9)
        assertThat(st.get("systemd_unit_name").asText()).isEqualTo("hakuriver-task-" + id + ".scope");
        assertThat(st.get("exit_code").asInt()).isZero();
        for (String f : List.of("task_id", "batch_id", "command", "arguments", "env_vars", "required_cores",
                "required_memory_bytes", "status", "assigned_node", "target_numa_node_id", "stdout_path", "stderr_path",
                "exit_code", "error_message", "submitted_at", "started_at", "completed_at", "systemd_unit_name",
                "assignment_suspicion_count")) {
            assertThat(st.has(f)).as(f).isTrue();
        }
        // a late final update cannot change a final state
        var late = raw("POST", "/update", "{\"task_id\": " + id + ", \"status\": \"failed\", \"exit_code\": 1}");
        assertThat(Json.tree(late.body()).get("message").asText()).isEqualTo("Task already in a final state");
        assertThat(Json.tree(raw("GET", "/status/" + id, null).body()).get("status").asText()).isEqualTo("completed");

        // /nodes keeps "N/A" semantics and string NUMA keys
        JsonNode nodes = Json.tree(raw("GET", "/nodes", null).body());
        assertThat(nodes.get(0).get("numa_topology").has("0")).isTrue();
        assertThat(nodes.get(0).get("cores_in_use").isInt()).isTrue();

        // kill of a running task: the host tells the runner with an integer id and the scope unit name
        var sub2 = Json.tree(raw("POST", "/submit", "{\"command\": \"sleep\", \"arguments\": [\"100\"], \"targets\": [\"vm\"], \"container_name\": \"NULL\"}").body());
        String id2 = sub2.get("task_ids").get(0).asText();
        String[] run2 = toRunner.poll(10, TimeUnit.SECONDS);
        assertThat(Json.tree(run2[1]).get("docker_image_name").asText()).as("NULL → no image (defect C1)").isEmpty();
        raw("POST", "/update", "{\"task_id\": " + id2 + ", \"status\": \"running\", \"started_at\": \"2026-11-26T05:09:00\"}");
        var kill = raw("POST", "/kill/" + id2, null);
        assertThat(kill.statusCode()).isEqualTo(202);
        assertThat(Json.tree(kill.body()).get("message").asText()).isEqualTo("Kill requested for task " + id2 + ". Task marked as killed.");
        String[] k = toRunner.poll(10, TimeUnit.SECONDS);
        assertThat(k[0]).isEqualTo("/kill");
        JsonNode kb = Json.tree(k[1]);
        assertThat(kb.get("task_id").isIntegralNumber()).isTrue();
        assertThat(kb.get("unit_name").asText()).isEqualTo("hakuriver-task-" + id2 + ".scope");
        // the original runner then reports killed_by_host in a heartbeat: ignored, the task stays killed
        raw("PUT", "/heartbeat/vm", "{\"running_tasks\": [], \"killed_tasks\": [{\"task_id\": " + id2 + ", \"reason\": \"killed_by_host\"}]}");
        JsonNode killed = Json.tree(raw("GET", "/status/" + id2, null).body());
        assertThat(killed.get("status").asText()).isEqualTo("killed");
        assertThat(killed.get("error_message").asText()).isEqualTo("Kill requested by user.");
    }

    @Test void killWhileAssigningReachesTheRunnerAndALateCompletedIsIgnored() throws Exception {
        c = Cluster.start(tmp.resolve("c"));
        int port = startFakeRunner();
        raw("POST", "/register", "{\"hostname\": \"slow\", \"total_cores\": 2, \"total_ram_bytes\": 1000000000, \"runner_url\": \"http://127.0.0.1:" + port + "\"}");
        String id = Json.tree(raw("POST", "/submit", "{\"command\": \"sleep\", \"arguments\": [\"5\"], \"targets\": [\"slow\"], \"container_name\": \"NULL\"}").body())
                .get("task_ids").get(0).asText();
        assertThat(toRunner.poll(10, TimeUnit.SECONDS)[0]).isEqualTo("/run");
        assertThat(Json.tree(raw("GET", "/status/" + id, null).body()).get("status").asText()).isEqualTo("assigning");
        assertThat(raw("POST", "/kill/" + id, null).statusCode()).isEqualTo(202);
        String[] k = toRunner.poll(10, TimeUnit.SECONDS);
        assertThat(k[0]).as("kill of an assigning task is forwarded (defect C3)").isEqualTo("/kill");
        var late = raw("POST", "/update", "{\"task_id\": " + id + ", \"status\": \"completed\", \"exit_code\": 0}");
        assertThat(Json.tree(late.body()).get("message").asText()).isEqualTo("Task already in a final state");
        assertThat(Json.tree(raw("GET", "/status/" + id, null).body()).get("status").asText()).isEqualTo("killed");
        // the node's cores are free again: a 2-core task is dispatched at once
        String big = Json.tree(raw("POST", "/submit", "{\"command\": \"true\", \"required_cores\": 2, \"targets\": [\"slow\"], \"container_name\": \"NULL\"}").body())
                .get("task_ids").get(0).asText();
        assertThat(toRunner.poll(10, TimeUnit.SECONDS)[1]).contains(big);
    }

    @Test void ourRunnerAcceptsTheOriginalHostsRunRequest() throws Exception {
        c = Cluster.start(tmp.resolve("c"));
        Cluster.Runner r = c.addRunner("vm", null);
        c.awaitOnline(1);
        HostClient runner = new HostClient(r.url(), "");
        var resp = runner.send("POST", "/run", Json.tree("""
            {
              "task_id": 7531584720367255552,
              "command": "echo",
              "arguments": ["hello"],
              "env_vars": {},
              "required_cores": 0,
              "stdout_path": "peer/shared/task_outputs/7531584720367255552.out",
              "stderr_path": "peer/shared/task_errors/7531584720367255552.err",
              "required_memory_bytes": null,
              "target_numa_node_id": null,
              "docker_image_name": "",
              "docker_privileged": false,
              "docker_additional_mounts": []
            }"""), Duration.ofSeconds(10));
        assertThat(resp.statusCode()).isEqualTo(200);
        JsonNode body = Json.tree(resp.body());
        assertThat(body.get("message").asText()).isEqualTo("Task accepted for launch");
        assertThat(body.get("task_id").asLong()).isEqualTo(7531584720367255552L);
        // the runner writes where it computes, never to the relative path the request named
        Path out = c.sharedDir().resolve("task_outputs/7531584720367255552.out");
        Cluster.await(Duration.ofSeconds(20), "output written", () ->
                java.nio.file.Files.exists(out) && java.nio.file.Files.readString(out).equals("hello\n"));
        assertThat(Path.of("peer")).doesNotExist();
        var dup = runner.send("POST", "/pause", Json.tree("{\"task_id\": 1, \"unit_name\": \"x\"}"), Duration.ofSeconds(5));
        assertThat(dup.statusCode()).isEqualTo(404); // v0.1 answered 500 here
        var missing = runner.send("POST", "/kill", Json.tree("{\"unit_name\": \"x\"}"), Duration.ofSeconds(5));
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("Missing 'task_id' in request body.");
    }
}
