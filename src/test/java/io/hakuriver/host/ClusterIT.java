package io.hakuriver.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.testsupport.Cluster;
import io.hakuriver.util.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Host and two Runners (on this one machine, ports differ) as separate JVM processes: registration, placement,
 * the queue, kill/pause/resume, logs, CLI exit codes and bad input.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterIT {
    @TempDir static Path tmp;
    Cluster c;

    @BeforeAll void up() throws Exception {
        c = Cluster.start(tmp.resolve("cluster"));
        c.addRunner("node-a", null);
        c.addRunner("node-b", null);
        c.awaitOnline(2);
    }

    @AfterAll void down() { if (c != null) c.close(); }

    private String submit(Map<String, Object> body) {
        JsonNode r = c.client().post("/submit", body);
        return r.get("task_ids").get(0).asText();
    }

    private static Map<String, Object> task(String target, int cores, String cmd, String... args) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("command", cmd);
        m.put("arguments", List.of(args));
        m.put("required_cores", cores);
        m.put("container_name", "NULL");
        m.put("targets", target == null ? List.of() : List.of(target));
        return m;
    }

    private String stdout(String id) throws Exception { return Files.readString(c.sharedDir().resolve("task_outputs/" + id + ".out")); }

    @Test void twoRunnersOnOneMachineAreDistinctNodes() {
        JsonNode nodes = c.client().get("/nodes");
        List<String> names = new ArrayList<>(), urls = new ArrayList<>();
        nodes.forEach(n -> { names.add(n.get("hostname").asText()); urls.add(n.get("url").asText()); });
        assertThat(names).contains("node-a", "node-b");
        assertThat(urls).doesNotHaveDuplicates();
        JsonNode a = nodes.get(names.indexOf("node-a"));
        assertThat(a.get("total_cores").asInt()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(a.get("memory_total_bytes").asLong()).isPositive();
    }

    @Test void aSecondRunnerClaimingALiveNameGets409() throws Exception {
        Cluster.Runner impostor = c.addRunner("imp", "");
        // re-point the impostor's config at the name node-a and restart it
        c.stopRunner("imp", true);
        Files.writeString(impostor.config, Files.readString(impostor.config).replace("name = \"imp\"", "name = \"node-a\""));
        c.startRunner("imp");
        Cluster.await(Duration.ofSeconds(30), "impostor refused", () ->
                Files.readString(c.dir.resolve("runner-imp.log")).contains("409"));
        String urlA = c.runner("node-a").url();
        JsonNode nodes = c.client().get("/nodes");
        nodes.forEach(n -> { if (n.get("hostname").asText().equals("node-a")) assertThat(n.get("url").asText()).isEqualTo(urlA); });
        c.stopRunner("imp", true);
    }

    @Test void targetedAndAutoSelectedTasksComplete() throws Exception {
        String t1 = submit(task("node-b", 1, "echo", "hello", "node-b"));
        String t2 = submit(task(null, 1, "sh", "-c", "echo auto $HAKURIVER_TASK_ID"));
        JsonNode r1 = c.awaitTask(t1, Duration.ofSeconds(30), Cluster::isFinal);
        JsonNode r2 = c.awaitTask(t2, Duration.ofSeconds(30), Cluster::isFinal);
        assertThat(r1.get("status").asText()).isEqualTo("completed");
        assertThat(r1.get("assigned_node").asText()).isEqualTo("node-b");
        assertThat(r1.get("exit_code").asInt()).isZero();
        assertThat(stdout(t1)).isEqualTo("hello node-b\n");
        assertThat(r2.get("status").asText()).isEqualTo("completed");
        assertThat(r2.get("assigned_node").asText()).isIn("node-a", "node-b");
        assertThat(stdout(t2)).isEqualTo("auto " + t2 + "\n");
        assertThat(r2.get("batch_id").asText()).isEqualTo(t2);
    }

    @Test void queuedTaskWaitsForCapacityAndNeverOverbooks() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        String first = submit(task("node-a", cores, "sleep", "2"));
        String second = submit(task("node-a", cores, "echo", "second"));
        JsonNode s = c.status(second);
        // queued on the Host, or — a short task of an earlier test ended on node-a just now — placed there to start
        // when room frees (see "Starts that wait on the node"); either way not started
        assertThat(s.get("status").asText()).isIn("pending", "assigning");
        assertThat(s.path("started_at").isNull() || s.path("started_at").isMissingNode()).as(s.toString()).isTrue();
        JsonNode done2 = c.awaitTask(second, Duration.ofSeconds(40), st -> st.equals("completed"));
        JsonNode done1 = c.status(first);
        assertThat(done1.get("status").asText()).isEqualTo("completed");
        Instant firstEnd = Instant.parse(done1.get("completed_at").asText().replace("+00:00", "Z"));
        Instant secondStart = Instant.parse(done2.get("started_at").asText().replace("+00:00", "Z"));
        assertThat(secondStart).isAfterOrEqualTo(firstEnd.minusMillis(50));
    }

    @Test void impossibleRequestsFailAtOnce() {
        var r = c.client().send("POST", "/submit", task("node-a", 4096, "true"), Duration.ofSeconds(10));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("Requested 4096 cores but node has only");
        var auto = c.client().send("POST", "/submit", task(null, 4096, "true"), Duration.ofSeconds(10));
        assertThat(auto.statusCode()).isEqualTo(503);
        assertThat(auto.body()).contains("No suitable node available for 4096 cores");
        Map<String, Object> two = task(null, 1, "true");
        two.put("targets", List.of("node-a", "ghost", "node-a:99"));
        JsonNode partial = c.client().post("/submit", two);
        assertThat(partial.get("task_ids")).hasSize(1);
        assertThat(partial.get("failed_targets").toString()).contains("Node not registered").contains("Invalid NUMA ID for node (Valid: [0");
    }

    @Test void killWorksInEveryState() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        String blocker = submit(task("node-b", cores, "sleep", "30"));
        c.awaitTask(blocker, Duration.ofSeconds(20), s -> s.equals("running"));
        String queued = submit(task("node-b", 1, "sh", "-c", "echo should-not-run"));
        assertThat(c.status(queued).get("status").asText()).isEqualTo("pending");
        c.client().post("/kill/" + queued, null);
        assertThat(c.status(queued).get("status").asText()).isEqualTo("killed");

        c.client().post("/command/" + blocker + "/pause", null);
        c.awaitTask(blocker, Duration.ofSeconds(10), s -> s.equals("paused"));
        c.client().post("/kill/" + blocker, null);
        assertThat(c.status(blocker).get("status").asText()).isEqualTo("killed");
        Cluster.await(Duration.ofSeconds(20), "blocker processes gone", () -> TaskProcs.of(blocker).isEmpty());
        Thread.sleep(1500); // a late runner report must not overwrite "killed"
        assertThat(c.status(blocker).get("status").asText()).isEqualTo("killed");
        assertThat(c.status(queued).get("status").asText()).isEqualTo("killed");
        assertThat(c.sharedDir().resolve("task_outputs/" + queued + ".out")).doesNotExist();
        var again = c.client().send("POST", "/kill/" + blocker, null, Duration.ofSeconds(5));
        assertThat(again.statusCode()).isEqualTo(409);
    }

    @Test void pauseAndResumeActOnTheWholeProcessTree() throws Exception {
        String id = submit(task("node-a", 0, "sh", "-c", "sleep 60 & sleep 60 & wait"));
        c.awaitTask(id, Duration.ofSeconds(20), s -> s.equals("running"));
        Cluster.await(Duration.ofSeconds(10), "3 processes", () -> TaskProcs.of(id).size() >= 3);
        c.client().post("/command/" + id + "/pause", null);
        assertThat(c.status(id).get("status").asText()).isEqualTo("paused");
        Cluster.await(Duration.ofSeconds(10), "all stopped", () -> TaskProcs.states(id).stream().allMatch(s -> s.equals("T")));
        var bad = c.client().send("POST", "/command/" + id + "/pause", null, Duration.ofSeconds(5));
        assertThat(bad.statusCode()).isEqualTo(409);
        c.client().post("/command/" + id + "/resume", null);
        assertThat(c.status(id).get("status").asText()).isEqualTo("running");
        Cluster.await(Duration.ofSeconds(10), "none stopped", () -> TaskProcs.states(id).stream().noneMatch(s -> s.equals("T")));
        c.client().post("/kill/" + id, null);
        Cluster.await(Duration.ofSeconds(20), "gone", () -> TaskProcs.of(id).isEmpty());
    }

    @Test void logsAreServedAndFollowable() throws Exception {
        String id = submit(task("node-a", 0, "sh", "-c", "echo out-line; echo err-line >&2; sleep 1; echo late"));
        c.awaitTask(id, Duration.ofSeconds(20), Cluster::isFinal);
        var out = c.client().send("GET", "/task/" + id + "/stdout", null, Duration.ofSeconds(5));
        assertThat(out.body()).isEqualTo("out-line\nlate\n");
        assertThat(out.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        var part = c.client().send("GET", "/api/task/" + id + "/stdout?offset=9", null, Duration.ofSeconds(5));
        assertThat(part.body()).isEqualTo("late\n");
        assertThat(part.headers().firstValue("X-Next-Offset")).contains("14");
        assertThat(c.client().send("GET", "/task/" + id + "/stderr", null, Duration.ofSeconds(5)).body()).isEqualTo("err-line\n");
        Cluster.Result logs = c.client("logs", id, "--stderr");
        assertThat(logs.exit()).as(logs.toString()).isZero();
        assertThat(logs.out()).isEqualTo("err-line\n");
    }

    @Test void cliWaitExitsWithTheTaskExitCode() throws Exception {
        Cluster.Result ok = c.client("--container", "NULL", "--wait", "--", "sh", "-c", "echo fine");
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(ok.out()).contains("completed");
        Cluster.Result bad = c.client("--container", "NULL", "--target", "node-a", "--wait", "--", "sh", "-c", "exit 7");
        assertThat(bad.exit()).as(bad.toString()).isEqualTo(7);
        Cluster.Result usage = c.client("--memory", "12Q", "--", "true");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("invalid memory size '12Q'");
        Cluster.Result unknown = c.client("--status", "12345");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("Task id not found");
        Cluster.Result nodes = c.client("--list-nodes");
        assertThat(nodes.out()).contains("node-a").contains("node-b");
        // a word after -- is the task's command, even if it names a sub-command
        Cluster.Result literal = c.client("--container", "NULL", "--wait", "--", "echo", "pause", "1");
        assertThat(literal.exit()).as(literal.toString()).isZero();
    }

    @Test void shellMetacharactersAreLiteralArguments() throws Exception {
        Path marker = tmp.resolve("pwned");
        String id = submit(task("node-a", 0, "echo", "a;b", "$(touch " + marker + ")", "`id`", "|", "*"));
        c.awaitTask(id, Duration.ofSeconds(20), Cluster::isFinal);
        assertThat(stdout(id)).isEqualTo("a;b $(touch " + marker + ") `id` | *\n");
        assertThat(marker).doesNotExist();
        String weird = submit(task("node-a", 0, "echo hi; touch " + marker));
        JsonNode r = c.awaitTask(weird, Duration.ofSeconds(20), Cluster::isFinal);
        assertThat(r.get("status").asText()).isEqualTo("failed");
        assertThat(r.get("exit_code").asInt()).isEqualTo(127);
        assertThat(marker).doesNotExist();
    }

    @Test void badInputGetsClear4xxAndNothingIsLost() {
        long before = c.client().get("/tasks").size();
        var malformed = c.client().send("POST", "/submit", null, Duration.ofSeconds(5));
        assertThat(malformed.statusCode()).isEqualTo(422);
        var raw = rawPost("/submit", "{\"command\": ");
        assertThat(raw.statusCode()).isEqualTo(422);
        assertThat(raw.body()).contains("Malformed JSON");
        var neg = c.client().send("POST", "/submit", Map.of("command", "true", "required_cores", -1), Duration.ofSeconds(5));
        assertThat(neg.statusCode()).isEqualTo(422);
        assertThat(Json.tree(neg.body()).get("detail").get(0).get("loc").toString()).contains("required_cores");
        var mem = c.client().send("POST", "/submit", Map.of("command", "true", "required_memory_bytes", "lots"), Duration.ofSeconds(5));
        assertThat(mem.statusCode()).isEqualTo(422);
        var target = c.client().send("POST", "/submit", Map.of("command", "true", "targets", List.of("bad target!")), Duration.ofSeconds(5));
        assertThat(target.statusCode()).isEqualTo(422);
        assertThat(target.body()).contains("Invalid target format: 'bad target!'");
        var traversal = c.client().send("GET", "/task/..%2F..%2Fetc%2Fpasswd/stdout", null, Duration.ofSeconds(5));
        assertThat(traversal.statusCode()).isEqualTo(422);
        var traversal2 = c.client().send("GET", "/task/1/../../../etc/passwd", null, Duration.ofSeconds(5));
        assertThat(traversal2.statusCode()).isIn(400, 404, 422); // Jetty refuses ambiguous paths with 400
        assertThat(traversal2.body()).doesNotContain("root:");
        var unknownUpdate = c.client().send("POST", "/update", Map.of("task_id", 42, "status", "completed"), Duration.ofSeconds(5));
        assertThat(unknownUpdate.statusCode()).isEqualTo(404);
        var badStatus = c.client().send("POST", "/update", Map.of("task_id", 42, "status", "exploded"), Duration.ofSeconds(5));
        assertThat(badStatus.statusCode()).isEqualTo(422);
        var hb = c.client().send("PUT", "/heartbeat/nobody", Map.of(), Duration.ofSeconds(5));
        assertThat(hb.statusCode()).isEqualTo(404);
        assertThat(hb.body()).contains("Node not registered");
        assertThat(c.client().send("GET", "/nope", null, Duration.ofSeconds(5)).body()).isEqualTo("{\"detail\":\"Not Found\"}");
        assertThat(c.client().send("DELETE", "/nodes", null, Duration.ofSeconds(5)).statusCode()).isEqualTo(405);
        assertThat(c.client().get("/tasks").size()).isEqualTo(before);
        // still healthy afterwards
        assertThat(c.client().get("/healthz").get("status").asText()).isEqualTo("ok");
    }

    @Test void healthHasSamplesAndTheWireShape() throws Exception {
        Cluster.await(Duration.ofSeconds(10), "samples", () -> c.client().get("/health").get("aggregate").size() >= 2);
        JsonNode h = c.client().get("/api/health");
        JsonNode agg = h.get("aggregate").get(h.get("aggregate").size() - 1);
        assertThat(agg.get("onlineNodes").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(agg.has("avgMemPercent")).isTrue();
        JsonNode filtered = c.client().get("/health?hostname=node-b");
        JsonNode lastSample = filtered.get("nodes").get(filtered.get("nodes").size() - 1);
        assertThat(lastSample).hasSize(1);
        assertThat(lastSample.get(0).get("hostname").asText()).isEqualTo("node-b");
    }

    private java.net.http.HttpResponse<String> rawPost(String path, String body) {
        try {
            var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(c.hostUrl() + path))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
            return java.net.http.HttpClient.newHttpClient().send(req, java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) { throw new AssertionError(e); }
    }
}
