package io.hakuriver.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.testsupport.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A burst of one-core tasks through a real Host and Runner: the Host places tasks on the full node to start when
 * room frees, and the node still never runs more one-core tasks at once than it has cores (each task writes the
 * times it began and ended its work; no instant lies inside more intervals than the node has cores).
 */
class WhenRoomIT {
    @TempDir Path tmp;
    Cluster c;

    @AfterEach void down() { if (c != null) c.close(); }

    @Test @Timeout(300)
    void oneCoreTasksPlacedWhenRoomNeverOvercommitTheNode() throws Exception {
        c = Cluster.start(tmp.resolve("c"));
        c.addRunner("n1", null);
        c.awaitOnline(1);
        int cores = c.client().get("/nodes").get(0).get("total_cores").asInt();
        int n = 300;
        Cluster.Result r = c.client("sweep", "--container", "NULL", "--cores", "1", "--wait", "--",
                "sh", "-c", "date +%s%N; sleep 0.02; date +%s%N", "span:{1.." + n + "}");
        assertThat(r.exit()).as(r.toString()).isZero();
        Matcher m = Pattern.compile("Batch (\\d+)").matcher(r.out() + r.err());
        assertThat(m.find()).as(r.toString()).isTrue();
        JsonNode batch = c.client().get("/batches/" + m.group(1));
        assertThat(batch.get("counts").get("completed").asInt()).as(batch.get("counts").toString()).isEqualTo(n);

        List<long[]> events = new ArrayList<>(); // {time, +1 begin / -1 end}
        for (JsonNode t : batch.get("tasks")) {
            List<String> lines = Files.readAllLines(c.sharedDir().resolve("task_outputs/" + t.get("task_id").asText() + ".out"));
            assertThat(lines).hasSize(2);
            events.add(new long[] {Long.parseLong(lines.get(0).trim()), 1});
            events.add(new long[] {Long.parseLong(lines.get(1).trim()), -1});
        }
        events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1])); // ends first on ties
        int now = 0, most = 0;
        for (long[] e : events) { now += (int) e[1]; most = Math.max(most, now); }
        assertThat(most).as("one-core tasks at once on a %d-core node", cores).isBetween(1, cores);

        String metrics = c.client().send("GET", "/metrics", null, Duration.ofSeconds(10)).body();
        Matcher placed = Pattern.compile("(?m)^hakuriver_tasks_placed_when_room_total (\\d+)").matcher(metrics);
        assertThat(placed.find()).as(metrics).isTrue();
        assertThat(Long.parseLong(placed.group(1))).as("tasks placed to start when room frees").isGreaterThan(n / 4);
    }
}
