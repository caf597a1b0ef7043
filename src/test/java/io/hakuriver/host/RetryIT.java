package io.hakuriver.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.testsupport.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retries and requeue through a real Host and two Runners: a task that fails twice then succeeds, and a node that
 * freezes mid-task (Runner and task SIGSTOPped), whose task runs again elsewhere and takes effect exactly once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RetryIT {
    @TempDir static Path tmp;
    Cluster c;

    @BeforeAll void up() throws Exception {
        c = Cluster.start(tmp.resolve("cluster"));
        c.stopHost(false); // a short grace period, so the test does not wait a minute for the requeue
        Files.writeString(c.hostConfig(), Files.readString(c.hostConfig()).replace("[timing]\n", "[timing]\nlost_requeue_grace = 2\n"));
        c.startHost();
        c.addRunner("node-a", null);
        c.addRunner("node-b", null);
        c.awaitOnline(2);
    }

    @AfterAll void down() { if (c != null) c.close(); }

    @Test void aTaskThatFailsTwiceThenSucceedsKeepsEachAttemptsLogsAndExitCode() throws Exception {
        Path counter = c.sharedDir().resolve("tries");
        String script = "n=$(cat " + counter + " 2>/dev/null || echo 0); n=$((n+1)); echo $n > " + counter
                + "; echo attempt $n; [ $n -ge 3 ] || exit 7";
        Cluster.Result r = c.client("--retries", "3", "--retry-delay", "1", "--container", "NULL", "--wait", "--", "sh", "-c", script);
        assertThat(r.exit()).as(r.toString()).isZero();
        String id = r.out().lines().filter(l -> l.startsWith("  task ")).findFirst().orElseThrow().substring(7).trim();
        JsonNode t = c.status(id);
        assertThat(t.get("status").asText()).isEqualTo("completed");
        assertThat(t.get("attempt").asInt()).isEqualTo(3);
        JsonNode attempts = t.get("attempts");
        assertThat(attempts).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertThat(attempts.get(i).get("status").asText()).isEqualTo("failed");
            assertThat(attempts.get(i).get("exit_code").asInt()).isEqualTo(7);
            Cluster.Result logs = c.client("logs", id, "--attempt", String.valueOf(i + 1));
            assertThat(logs.out()).as(logs.toString()).isEqualTo("attempt " + (i + 1) + "\n");
        }
        assertThat(c.client("logs", id).out()).isEqualTo("attempt 3\n");
        Cluster.Result status = c.client("status", id);
        assertThat(status.out()).contains("attempt:    3 of 4").contains("attempt 1:  failed on").contains("(exit code 7)")
                .contains("history:").contains("requeued  Attempt 2 on").contains("completed  exit code 0 on");
    }

    /** Submits a 0-core task with one retry and waits until it runs on node-a (node-b is drained meanwhile). */
    private String runningOnNodeA(String script) throws Exception {
        c.client().post("/nodes/node-b/drain", null);
        try {
            Map<String, Object> body = WorkflowIT.task(null, 0, "sh", "-c", script);
            body.put("retries", 1);
            String id = c.client().post("/submit", body).get("task_ids").get(0).asText();
            c.awaitTask(id, Duration.ofSeconds(30), s -> s.equals("running"));
            assertThat(c.status(id).get("assigned_node").asText()).isEqualTo("node-a");
            return id;
        } finally {
            c.client().post("/nodes/node-b/undrain", null);
        }
    }

    @Test void aKilledNodesTaskIsRequeuedAndCompletesElsewhereExactlyOnce() throws Exception {
        Path effects = c.sharedDir().resolve("effects-killed");
        String id = runningOnNodeA("sleep 2; echo once >> " + effects);
        List<Long> procs = TaskProcs.of(id);
        c.stopRunner("node-a", true); // the node dies: its Runner and its task
        for (long pid : procs) signal(pid, "KILL");
        try {
            JsonNode done = c.awaitTask(id, Duration.ofSeconds(60), s -> s.equals("completed"));
            assertThat(done.get("assigned_node").asText()).isEqualTo("node-b");
            assertThat(done.get("attempt").asInt()).isEqualTo(2);
            JsonNode first = done.get("attempts").get(0);
            assertThat(first.get("status").asText()).isEqualTo("lost");
            assertThat(first.get("node").asText()).isEqualTo("node-a");
            assertThat(first.get("error_message").asText()).contains("went offline");
        } finally {
            c.startRunner("node-a");
        }
        c.awaitOnline(2);
        Thread.sleep(2000);
        assertThat(Files.readAllLines(effects)).as("the task's own side effect").containsExactly("once");
    }

    @Test void whenTheOldNodeComesBackStillRunningTheOldAttemptOnlyTheNewOneSurvives() throws Exception {
        Path starts = c.sharedDir().resolve("starts"), effects = c.sharedDir().resolve("effects-partition");
        String id = runningOnNodeA("echo $HAKURIVER_TASK_ID >> " + starts + "; sleep 25; echo once >> " + effects);
        List<Long> oldAttempt = TaskProcs.of(id);
        Process runnerA = c.runner("node-a").process();
        Cluster.signal(runnerA, "STOP"); // node-a is cut off: no heartbeats, but its task keeps running
        try {
            Cluster.await(Duration.ofSeconds(60), "attempt 2 running on node-b", () -> {
                JsonNode t = c.status(id);
                return t.get("status").asText().equals("running") && t.get("assigned_node").asText().equals("node-b");
            });
        } finally {
            Cluster.signal(runnerA, "CONT");
        }
        // node-a reports the old attempt again: the Host has it killed; the new one goes on
        Cluster.await(Duration.ofSeconds(15), "old attempt killed", () -> oldAttempt.stream().allMatch(p ->
                ProcessHandle.of(p).map(h -> !h.isAlive()).orElse(true) || TaskProcs.state(p).equals("Z")));
        JsonNode done = c.awaitTask(id, Duration.ofSeconds(60), Cluster::isFinal);
        assertThat(done.get("status").asText()).isEqualTo("completed");
        assertThat(done.get("assigned_node").asText()).isEqualTo("node-b");
        assertThat(Files.readAllLines(starts)).as("two attempts started").hasSize(2);
        Thread.sleep(1500);
        assertThat(Files.readAllLines(effects)).as("one finished").containsExactly("once");
    }

    private static void signal(long pid, String sig) throws Exception {
        new ProcessBuilder("kill", "-" + sig, String.valueOf(pid)).inheritIO().start().waitFor(); // gone already: fine
    }
}
