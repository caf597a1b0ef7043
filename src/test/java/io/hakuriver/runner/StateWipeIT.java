package io.hakuriver.runner;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.testsupport.Cluster;
import io.hakuriver.util.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Runner killed while two plain-process tasks fill its node, whose state dir is then deleted (disk replaced,
 * wiped by hand): the new Runner process finds both tasks by their environment, the Host keeps them running and
 * places nothing on their cores, a kill from the Host reaches the found task, and the other one's exit status is
 * still recorded.
 */
class StateWipeIT {
    @TempDir Path tmp;
    Cluster c;

    @AfterEach void down() { if (c != null) c.close(); }

    private String submit(int cores, String script) {
        HttpResponse<String> r = c.client().send("POST", "/submit", Map.of("command", "sh", "arguments", List.of("-c", script),
                "required_cores", cores, "container_name", "NULL", "targets", List.of("n1")), Duration.ofSeconds(30));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return Json.tree(r.body()).get("task_ids").get(0).asText();
    }

    @Test @Timeout(300)
    void aRunnerThatLostItsStateDirFindsItsTasksAndTheNodeIsNotOverBooked() throws Exception {
        c = Cluster.start(tmp.resolve("c"));
        c.addRunner("n1", null);
        c.awaitOnline(1);
        int cores = c.client().get("/nodes").get(0).get("total_cores").asInt();
        assertThat(cores).isGreaterThanOrEqualTo(2);
        Path shared = c.sharedDir();
        String a = submit(cores - 1, "while [ ! -e \"$HAKURIVER_SHARED_DIR/release-a\" ]; do sleep 0.2; done; exit 5");
        String k = submit(1, "echo $$ > \"$HAKURIVER_SHARED_DIR/k.pid\"; while :; do sleep 0.2; done");
        for (String id : List.of(a, k)) c.awaitTask(id, Duration.ofSeconds(60), s -> s.equals("running"));
        Cluster.await(Duration.ofSeconds(30), "k.pid", () -> Files.exists(shared.resolve("k.pid")) && !Files.readString(shared.resolve("k.pid")).isBlank());
        long kPid = Long.parseLong(Files.readString(shared.resolve("k.pid")).trim());

        c.stopRunner("n1", true);
        Path state = c.dir.resolve("state-n1");
        try (Stream<Path> all = Files.walk(state)) { all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete()); }
        assertThat(Files.exists(state)).isFalse();
        c.startRunner("n1");

        // the Runner answers HTTP while it is still looking for its tasks (it registers only once it has looked)
        var runnerApi = new io.hakuriver.client.HostClient(c.runner("n1").url(), "");
        Cluster.await(Duration.ofSeconds(30), "both tasks found by the new Runner process", () -> {
            String running = runnerApi.get("/health").get("running").toString();
            return running.contains(a) && running.contains(k);
        });
        assertThat(Files.readString(c.dir.resolve("runner-n1.log"))).contains("Adopted task " + a).contains("Adopted task " + k);
        // the node is full: a new one-core task waits, through more heartbeats than it takes to declare a task lost
        String b = submit(1, "echo B");
        Thread.sleep(6000);
        for (String id : List.of(a, k)) assertThat(c.status(id).get("status").asText()).as("task %s", id).isEqualTo("running");
        assertThat(c.status(b).get("status").asText()).as("no new work on capacity the found tasks use").isEqualTo("pending");

        // a kill from the Host reaches the found task
        assertThat(c.client().send("POST", "/kill/" + k, null, Duration.ofSeconds(10)).statusCode()).isEqualTo(202);
        Cluster.await(Duration.ofSeconds(30), "the found task's process is gone", () -> ProcessHandle.of(kPid).map(h -> !h.isAlive()).orElse(true));
        JsonNode done = c.awaitTask(b, Duration.ofSeconds(60), Cluster::isFinal);
        assertThat(done.get("status").asText()).isEqualTo("completed");

        Files.writeString(shared.resolve("release-a"), "go");
        JsonNode ta = c.awaitTask(a, Duration.ofSeconds(60), Cluster::isFinal);
        assertThat(ta.get("status").asText()).isEqualTo("failed");
        assertThat(ta.get("exit_code").asInt()).as("exit status recorded although the state dir was wiped: %s", ta).isEqualTo(5);
        assertThat(c.status(k).get("status").asText()).isEqualTo("killed");
    }
}
