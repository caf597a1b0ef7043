package io.hakuriver.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.testsupport.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Work that runs itself, through a real Host and two Runners (separate JVMs on loopback) and the real client:
 * drain, priorities, dependencies, metrics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkflowIT {
    @TempDir static Path tmp;
    Cluster c;

    @BeforeAll void up() throws Exception {
        c = Cluster.start(tmp.resolve("cluster"));
        c.addRunner("node-a", null);
        c.addRunner("node-b", null);
        c.awaitOnline(2);
    }

    @AfterAll void down() { if (c != null) c.close(); }

    static Map<String, Object> task(String target, int cores, String cmd, String... args) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", cmd);
        m.put("arguments", List.of(args));
        m.put("required_cores", cores);
        m.put("container_name", "NULL");
        m.put("targets", target == null ? List.of() : List.of(target));
        return m;
    }

    String submit(Map<String, Object> body) { return c.client().post("/submit", body).get("task_ids").get(0).asText(); }

    JsonNode node(String name) {
        for (JsonNode n : c.client().get("/nodes")) if (name.equals(n.path("hostname").asText())) return n;
        throw new AssertionError("no node " + name);
    }

    static Instant time(JsonNode t, String field) { return Instant.parse(t.get(field).asText().replace("+00:00", "Z")); }

    @Test void drainWithWaitReturnsWhenTheNodeIsIdleAndSurvivesARunnerRestart() throws Exception {
        try {
            String running = submit(task("node-a", 0, "sleep", "3"));
            c.awaitTask(running, Duration.ofSeconds(30), s -> s.equals("running"));
            Cluster.Result drain = c.client("node", "drain", "node-a", "--wait", "--poll-interval", "0.2");
            assertThat(drain.exit()).as(drain.toString()).isZero();
            assertThat(drain.out()).contains("Node node-a: drained, 0 tasks on it");
            assertThat(c.status(running).get("status").asText()).as("--wait returned after the task ended").isEqualTo("completed");

            String waiting = submit(task("node-a", 0, "echo", "after-drain"));
            c.stopRunner("node-a", false);
            c.startRunner("node-a");
            Thread.sleep(2500); // registration and a few heartbeats
            assertThat(node("node-a").get("drain_state").asText()).isEqualTo("drained");
            assertThat(node("node-a").get("status").asText()).as("the original's status is kept").isEqualTo("online");
            assertThat(c.status(waiting).get("status").asText()).isEqualTo("pending");
            assertThat(c.client("--list-nodes").out()).contains("online (drained)");

            Cluster.Result undrain = c.client("node", "undrain", "node-a");
            assertThat(undrain.exit()).as(undrain.toString()).isZero();
            assertThat(c.awaitTask(waiting, Duration.ofSeconds(30), Cluster::isFinal).get("status").asText()).isEqualTo("completed");
            assertThat(c.client("node", "drain", "ghost").err()).contains("Node not registered");
        } finally {
            c.client().send("POST", "/nodes/node-a/undrain", null, Duration.ofSeconds(5));
        }
    }

    /** Ids printed by a submitting client ("  task ID" lines). */
    static List<String> ids(Cluster.Result r) {
        return r.out().lines().filter(l -> l.startsWith("  task ")).map(l -> l.substring(7).trim()).toList();
    }

    @Test void aHigherPriorityTaskOvertakesQueuedOnesAndAPendingTaskCanBeMoved() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        String all = String.valueOf(cores);
        String blocker = submit(task("node-b", cores, "sleep", "60")); // holds node-b until killed below
        c.awaitTask(blocker, Duration.ofSeconds(30), s -> s.equals("running"));
        String low = ids(c.client("--target", "node-b", "--cores", all, "--container", "NULL", "--", "echo", "low")).get(0);
        String later = ids(c.client("--target", "node-b", "--cores", all, "--container", "NULL", "--", "echo", "later")).get(0);
        String high = ids(c.client("--target", "node-b", "--cores", all, "--container", "NULL", "--priority", "10", "--", "echo", "high")).get(0);
        Cluster.Result moved = c.client("priority", later, "-5");
        assertThat(moved.exit()).as(moved.toString()).isZero();
        assertThat(moved.out()).contains("Priority of task " + later + " is now -5.");
        assertThat(c.status(high).get("priority").asInt()).isEqualTo(10);
        assertThat(c.status(low).get("status").asText()).isEqualTo("pending");
        c.client().post("/kill/" + blocker, null);
        JsonNode h = c.awaitTask(high, Duration.ofSeconds(40), Cluster::isFinal);
        JsonNode l = c.awaitTask(low, Duration.ofSeconds(40), Cluster::isFinal);
        JsonNode m = c.awaitTask(later, Duration.ofSeconds(40), Cluster::isFinal);
        assertThat(time(h, "started_at")).isBefore(time(l, "started_at"));
        assertThat(time(l, "started_at")).isBefore(time(m, "started_at"));
        var bad = c.client().send("POST", "/task/" + high + "/priority", Map.of("priority", 5), Duration.ofSeconds(5));
        assertThat(bad.statusCode()).isEqualTo(409);
        var range = c.client().send("POST", "/submit", Map.of("command", "true", "priority", 5000), Duration.ofSeconds(5));
        assertThat(range.statusCode()).isEqualTo(422);
        assertThat(range.body()).contains("priority must be between -1000 and 1000");
    }

    @Test void aThreeStagePipelineWithAfterRunsInOrderAndAFailedParentEndsItsDependent() throws Exception {
        Path dir = c.sharedDir().resolve("pipeline");
        java.nio.file.Files.createDirectories(dir);
        String d = dir.toString();
        String pre = ids(c.client("--container", "NULL", "--", "sh", "-c", "sleep 1; echo pre > " + d + "/stage1")).get(0);
        Cluster.Result sweep = c.client("sweep", "--after", pre, "--container", "NULL", "--", "sh", "-c",
                "cat " + d + "/stage1 > " + d + "/train-$0", "span:{1..3}");
        assertThat(sweep.exit()).as(sweep.toString()).isZero();
        String batch = sweep.out().lines().filter(l -> l.contains("batch")).map(l -> l.replaceAll(".*?(\\d{6,}).*", "$1")).findFirst().orElseThrow();
        Cluster.Result eval = c.client("--after", batch, "--container", "NULL", "--wait", "--", "sh", "-c",
                "cat " + d + "/train-* | wc -l > " + d + "/eval");
        assertThat(eval.exit()).as(eval.toString()).isZero();
        assertThat(java.nio.file.Files.readString(dir.resolve("eval")).trim()).isEqualTo("3");
        JsonNode evalTask = c.status(ids(eval).get(0));
        assertThat(evalTask.get("depends_on").get(0).asText()).isEqualTo(batch);
        assertThat(time(evalTask, "started_at")).isAfter(time(c.status(pre), "completed_at"));

        String bad = ids(c.client("--container", "NULL", "--", "sh", "-c", "sleep 1; exit 4")).get(0);
        Cluster.Result dependent = c.client("--after", bad, "--container", "NULL", "--wait", "--", "touch", d + "/must-not-exist");
        assertThat(dependent.exit()).as(dependent.toString()).isEqualTo(1);
        assertThat(dependent.out()).contains("failed").contains("Dependency " + bad + " ended as failed (exit code 4); this task did not run.");
        assertThat(dir.resolve("must-not-exist")).doesNotExist();
        var unknown = c.client("--after", "123", "--container", "NULL", "--", "true");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("Unknown task or batch id 123");
    }

    @Test void aWaitingDependentSurvivesAHostRestart() throws Exception {
        Path go = c.sharedDir().resolve("go-" + System.nanoTime());
        String parent = submit(task(null, 0, "sh", "-c", "while [ ! -f " + go + " ]; do sleep 0.2; done")); // ends when told
        Map<String, Object> child = task(null, 0, "echo", "child");
        child.put("after", List.of(parent));
        String dep = submit(child);
        assertThat(c.status(dep).get("error_message").asText()).isEqualTo("Waiting for " + parent + " to complete (--after)");
        c.stopHost(false);
        c.startHost();
        assertThat(c.status(dep).get("status").asText()).isEqualTo("pending");
        assertThat(c.status(dep).get("error_message").asText()).startsWith("Waiting for " + parent);
        java.nio.file.Files.writeString(go, "");
        JsonNode done = c.awaitTask(dep, Duration.ofSeconds(60), Cluster::isFinal);
        assertThat(done.get("status").asText()).isEqualTo("completed");
        assertThat(c.status(parent).get("status").asText()).isEqualTo("completed");
    }
}
