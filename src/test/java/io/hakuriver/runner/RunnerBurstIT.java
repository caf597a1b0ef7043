package io.hakuriver.runner;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.testsupport.Cluster;
import io.hakuriver.util.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A burst of /run calls straight to a real Runner, more than its start queue holds: the overflow is refused with
 * 429, a detail and Retry-After (nothing recorded, so the sender may retry), and every accepted task runs exactly
 * once. Each task creates its own marker file with noclobber: a second run of the same task would leave a "dup".
 */
class RunnerBurstIT {
    static final int TASKS = 1_500;
    static final int SENDERS = 48;
    @TempDir Path tmp;
    Cluster c;

    @AfterEach void down() { if (c != null) c.close(); }

    @Test void aBurstIsRefusedWith429AndEveryAcceptedTaskRunsOnce() throws Exception {
        c = Cluster.start(tmp.resolve("c"));
        Cluster.Runner runner = c.addRunner("burst", null);
        c.awaitOnline(1);
        Path once = Files.createDirectories(c.sharedDir().resolve("once"));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<String> busyDetails = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        List<Future<?>> sent = new ArrayList<>();
        long base = 9_000_000_000L;
        for (int i = 0; i < TASKS; i++) {
            long id = base + i;
            sent.add(senders.submit(() -> {
                String body = Json.write(Map.of("task_id", id, "command", "sh", "arguments", List.of("-c",
                        "set -C; echo ran > \"$HAKURIVER_SHARED_DIR/once/$HAKURIVER_TASK_ID\" || echo $HAKURIVER_TASK_ID >> \"$HAKURIVER_SHARED_DIR/dup\""),
                        "required_cores", 0, "docker_image_name", "", "hostname", "burst"));
                while (true) { // like the Host: a 429 means "later", the same task again
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(runner.url() + "/run"))
                            .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    statuses.computeIfAbsent(r.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                    if (r.statusCode() != 429) {
                        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                        return null;
                    }
                    assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
                    JsonNode d = Json.tree(r.body());
                    busyDetails.add(d.get("detail").asText());
                    Thread.sleep(200);
                }
            }));
        }
        for (Future<?> f : sent) f.get(5, TimeUnit.MINUTES);
        senders.shutdown();

        assertThat(statuses.get(200).get()).isEqualTo(TASKS);
        assertThat(statuses).as("the start queue overflowed at least once").containsKey(429);
        assertThat(busyDetails.get(0)).contains("is busy").contains("send the task again later");
        Cluster.await(Duration.ofMinutes(3), "all " + TASKS + " tasks ran", () -> {
            try (var s = Files.list(once)) { return s.count() == TASKS; }
        });
        Cluster.await(Duration.ofMinutes(1), "the runner tracks no task any more", () -> {
            JsonNode h = Json.tree(new io.hakuriver.client.HostClient(runner.url(), "").send("GET", "/health", null, Duration.ofSeconds(5)).body());
            return h.get("running").isEmpty();
        });
        assertThat(c.sharedDir().resolve("dup")).as("a task ran twice").doesNotExist();
        assertThat(runner.process().isAlive()).isTrue();
        System.out.println("burst of " + TASKS + " /run: answers " + statuses);
    }
}
