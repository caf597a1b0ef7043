package io.hakuriver.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.testsupport.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Restarts of real Host and Runner processes in the middle of tasks: nothing is lost, tasks are found again. */
class RestartIT {
    @TempDir Path tmp;
    Cluster c;

    @AfterEach void down() { if (c != null) c.close(); }

    private String submit(String target, String script) {
        JsonNode r = c.client().post("/submit", Map.of("command", "sh", "arguments", List.of("-c", script),
                "required_cores", 1, "container_name", "NULL", "targets", List.of(target)));
        return r.get("task_ids").get(0).asText();
    }

    @Test void hostRestartMidTaskLosesNoStatus() throws Exception {
        c = Cluster.start(tmp.resolve("c"));
        c.addRunner("n1", null);
        c.awaitOnline(1);
        String id = submit("n1", "sleep 2; echo survived");
        c.awaitTask(id, Duration.ofSeconds(20), s -> s.equals("running"));
        c.stopHost(true);                       // SIGKILL: no goodbye
        Thread.sleep(3500);                     // the task ends while the Host is down
        c.startHost();
        JsonNode t = c.awaitTask(id, Duration.ofSeconds(30), Cluster::isFinal);
        assertThat(t.get("status").asText()).isEqualTo("completed");
        assertThat(t.get("exit_code").asInt()).isZero();
        assertThat(Files.readString(c.sharedDir().resolve("task_outputs/" + id + ".out"))).isEqualTo("survived\n");
    }

    @Test void runnerRestartFindsItsRunningTaskAgain() throws Exception {
        c = Cluster.start(tmp.resolve("c"));
        c.addRunner("n1", null);
        c.awaitOnline(1);
        String id = submit("n1", "sleep 3; echo done; exit 5");
        c.awaitTask(id, Duration.ofSeconds(20), s -> s.equals("running"));
        c.stopRunner("n1", true);
        assertThat(TaskProcs.of(id)).as("task survives its runner").isNotEmpty();
        c.startRunner("n1");
        // a slow restart may briefly mark it lost; what matters is the real outcome once the runner re-attached
        JsonNode t = c.awaitTask(id, Duration.ofSeconds(40), s -> s.equals("failed") || s.equals("completed"));
        assertThat(t.get("status").asText()).isEqualTo("failed");
        assertThat(t.get("exit_code").asInt()).as("exit code recovered after re-attach").isEqualTo(5);
        assertThat(Files.readString(c.sharedDir().resolve("task_outputs/" + id + ".out"))).isEqualTo("done\n");
        JsonNode health = new io.hakuriver.client.HostClient(c.runner("n1").url(), "").get("/health");
        assertThat(health.get("running")).isEmpty();
    }

    @Test void lostTaskIsReconciledWhenItsRunnerComesBack() throws Exception {
        c = Cluster.start(tmp.resolve("c"));
        c.addRunner("n1", null);
        c.awaitOnline(1);
        String id = submit("n1", "sleep 20; echo back");
        c.awaitTask(id, Duration.ofSeconds(20), s -> s.equals("running"));
        c.stopRunner("n1", true);
        JsonNode lost = c.awaitTask(id, Duration.ofSeconds(40), s -> s.equals("lost"));
        assertThat(lost.get("error_message").asText()).contains("went offline");
        c.startRunner("n1");
        c.awaitTask(id, Duration.ofSeconds(30), s -> s.equals("running"));
        JsonNode done = c.awaitTask(id, Duration.ofSeconds(30), Cluster::isFinal);
        assertThat(done.get("status").asText()).isEqualTo("completed");
    }
}
