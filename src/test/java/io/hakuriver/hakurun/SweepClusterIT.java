package io.hakuriver.hakurun;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.testsupport.Cluster;
import io.hakuriver.testsupport.Env;
import io.hakuriver.util.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Cluster sweeps end to end: a Host and two Runners as separate JVMs, the client CLI as a third, real HTTP between
 * them, tasks run as plain processes. Nothing is mocked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SweepClusterIT {
    static final int ELEMENTS = 100;
    static final int MAX_RUNNING = 3;

    @TempDir static Path dir;
    private Cluster cluster;

    @BeforeAll void startCluster() throws Exception {
        cluster = Cluster.start(dir);
        // two nodes with 2 cores each: room for 4 one-core elements, so a limit of 3 is the Host's doing
        cluster.addRunner("node1", "null_backend = \"process\"\n");
        cluster.addRunner("node2", "null_backend = \"process\"\n");
        cluster.awaitOnline(2);
    }

    @AfterAll void stopCluster() {
        if (cluster != null) cluster.close();
    }

    record Cli(int code, String out, String err) {}

    /** {@code java -jar hakuriver.jar client SUB -c HOST_CONFIG ARGS...} as its own JVM, the way the launcher runs it. */
    private Cli cli(List<String> args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(Env.javaBin().toString(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Xss512k", "-Duser.home=" + dir, "-jar", Env.jar().toString()));
        // "client sweep -c CONFIG ...": the config goes to the sub-command that reads it
        argv.add(args.get(0));
        if (args.size() > 1) argv.addAll(List.of(args.get(1), "-c", cluster.hostConfig().toString()));
        argv.addAll(args.subList(Math.min(2, args.size()), args.size()));
        String name = "cli-" + System.nanoTime();
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("HAKURIVER_CONFIG");
        pb.environment().put("HOME", dir.toString());
        Process p = pb.start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("client did not finish: " + argv + "\n" + Files.readString(err) + cluster.dumpLogs());
        }
        return new Cli(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private Cli client(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("client"));
        all.addAll(List.of(args));
        return cli(all);
    }

    /**
     * 100 elements, at most 3 running although the two nodes have room for more: every element's output is in its
     * own log, the batch view is right, and the limit holds — checked from the elements' own start/end timestamps
     * and from a parallel poll of the batch view.
     */
    @Test void hundredElementSweepRespectsTheLimitAndKeepsOutputsApart() throws Exception {
        // Element i prints its start and end time (ns); i divisible by 25 exits 3 to give the batch failures.
        String script = "echo \"start $0 $(date +%s%N)\"; sleep 0.3; echo \"end $0 $(date +%s%N)\"; "
                + "if [ $(($0 % 25)) -eq 0 ]; then echo \"failing $0\" >&2; exit 3; fi";
        AtomicBoolean polling = new AtomicBoolean(true);
        AtomicInteger maxActiveSeen = new AtomicInteger();
        AtomicInteger polls = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<String> overLimitView = new java.util.concurrent.atomic.AtomicReference<>();
        Thread poller = new Thread(() -> {
            while (polling.get()) {
                try {
                    for (JsonNode t : get("/tasks?limit=1000")) {
                        if (t.path("batch_id").isNull()) continue;
                        String batch = t.path("batch_id").asText();
                        JsonNode view = get("/batches/" + batch);
                        int active = view.path("counts").path("running").asInt() + view.path("counts").path("assigning").asInt()
                                + view.path("counts").path("paused").asInt();
                        maxActiveSeen.accumulateAndGet(active, Math::max);
                        if (active > MAX_RUNNING && overLimitView.get() == null) overLimitView.set(view.toPrettyString());
                        polls.incrementAndGet();
                        break;
                    }
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // the Host may be busy: keep polling
                }
            }
        }, "batch-poller");
        poller.setDaemon(true);
        poller.start();
        long t0 = System.nanoTime();
        Cli sweep = client("sweep", "--container", "NULL", "--cores", "1", "--max-running", String.valueOf(MAX_RUNNING),
                "--wait", "--poll-interval", "0.5", "--", "sh", "-c", script, "span:{1.." + ELEMENTS + "}");
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
        polling.set(false);
        poller.join(5000);
        System.err.println("SweepClusterIT: " + ELEMENTS + " elements in " + seconds + " s, max active seen by poller "
                + maxActiveSeen.get() + " over " + polls.get() + " polls");

        assertThat(sweep.code()).as(sweep.out() + sweep.err()).isEqualTo(1); // 4 elements failed on purpose
        String batchId = sweep.out().lines().findFirst().orElseThrow().replaceAll("^Batch (\\d+):.*", "$1");
        assertThat(sweep.out()).contains("Batch " + batchId + ": 100 tasks submitted, at most 3 running at once.")
                .contains("  completed 96, failed 4")
                .contains("Not completed (4):");
        for (int i : new int[]{25, 50, 75, 100}) assertThat(sweep.out()).containsPattern("failed \\(exit 3\\) on node[12]: sh -c .* " + i + "\n");

        JsonNode view = get("/batches/" + batchId);
        assertThat(view.path("batch_id").asText()).isEqualTo(batchId);
        assertThat(view.path("total").asInt()).isEqualTo(ELEMENTS);
        assertThat(view.path("max_running").asInt()).isEqualTo(MAX_RUNNING);
        assertThat(Json.MAPPER.convertValue(view.path("counts"), java.util.Map.class)).isEqualTo(java.util.Map.of("completed", 96, "failed", 4));
        assertThat(view.path("tasks")).hasSize(ELEMENTS);
        assertThat(get("/tasks?batch_id=" + batchId + "&limit=1000")).hasSize(ELEMENTS);

        List<long[]> intervals = new ArrayList<>();
        Set<String> nodesUsed = new HashSet<>();
        Set<String> ids = new HashSet<>();
        int i = 0;
        for (JsonNode t : view.path("tasks")) {
            i++;
            assertThat(t.path("arguments")).extracting(JsonNode::asText).containsExactly("-c", script, String.valueOf(i));
            boolean failing = i % 25 == 0;
            assertThat(t.path("status").asText()).isEqualTo(failing ? "failed" : "completed");
            assertThat(t.path("exit_code").asInt()).isEqualTo(failing ? 3 : 0);
            nodesUsed.add(t.path("assigned_node").asText());
            String id = t.path("task_id").asText();
            ids.add(id);
            // every element's output is in its own log, and only its own
            String out = text("/task/" + id + "/stdout");
            List<String> lines = out.lines().toList();
            assertThat(lines).as("stdout of element %d", i).hasSize(2);
            assertThat(lines.get(0)).startsWith("start " + i + " ");
            assertThat(lines.get(1)).startsWith("end " + i + " ");
            intervals.add(new long[]{Long.parseLong(lines.get(0).split(" ")[2]), Long.parseLong(lines.get(1).split(" ")[2])});
            assertThat(text("/task/" + id + "/stderr")).isEqualTo(failing ? "failing " + i + "\n" : "");
        }
        assertThat(ids).hasSize(ELEMENTS);
        assertThat(nodesUsed).as("elements spread over the cluster").containsExactlyInAnyOrder("node1", "node2");

        int overlap = maxOverlap(intervals);
        System.err.println("SweepClusterIT: max concurrent elements from their own timestamps: " + overlap);
        assertThat(overlap).isLessThanOrEqualTo(MAX_RUNNING).isGreaterThanOrEqualTo(2);
        assertThat(maxActiveSeen.get()).as("batch view with more than %d active elements:%n%s", MAX_RUNNING, overLimitView.get())
                .isLessThanOrEqualTo(MAX_RUNNING);
        assertThat(polls.get()).isGreaterThan(10);

        Cli show = client("batch", batchId);
        assertThat(show.code()).isEqualTo(1);
        assertThat(show.out()).startsWith("Batch " + batchId + ": 100 tasks, at most 3 running at once\n  completed 96, failed 4\n");
    }

    @Test void aBatchIsKilledAsAWholeAndPendingElementsNeverStart() throws Exception {
        Cli sweep = client("sweep", "--container", "NULL", "--max-running", "2", "--json", "--",
                "sh", "-c", "echo started $0; exec sleep 60", "span:[a,b,c,d,e,f]");
        assertThat(sweep.code()).as(sweep.err()).isZero();
        JsonNode resp = Json.tree(sweep.out());
        String batchId = resp.path("batch_id").asText();
        assertThat(resp.path("task_ids")).hasSize(6);
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/batches/" + batchId).path("counts").path("running").asInt() == 2);
        JsonNode before = get("/batches/" + batchId);
        assertThat(before.path("counts").path("pending").asInt()).isEqualTo(4);

        Cli kill = client("batch", batchId, "--kill", "--wait", "--poll-interval", "0.2");
        assertThat(kill.code()).isEqualTo(1);
        assertThat(kill.out()).contains("Kill requested for 6 tasks").contains("  killed 6\n");
        JsonNode after = get("/batches/" + batchId);
        for (JsonNode t : after.path("tasks")) {
            assertThat(t.path("status").asText()).isEqualTo("killed");
        }
        // the 4 that were pending never ran: they have no output
        int started = 0;
        for (JsonNode t : after.path("tasks")) {
            String id = t.path("task_id").asText();
            try {
                if (text("/task/" + id + "/stdout").startsWith("started ")) started++;
            } catch (IllegalStateException noLog) {
                // 404: never started
            }
        }
        assertThat(started).isEqualTo(2);
        Cli json = client("batch", batchId, "--json");
        assertThat(Json.tree(json.out()).path("counts").path("killed").asInt()).isEqualTo(6);
    }

    @Test void usageErrorsNeverReachTheHost() throws Exception {
        Cli bad = client("sweep", "--container", "NULL", "--", "echo", "span:{1..x}");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("Invalid range format in 'span:{1..x}'");
        Cli dry = client("sweep", "--dry-run", "--", "echo", "-n", "span:[a b,c]");
        assertThat(dry.code()).isZero();
        assertThat(dry.out()).isEqualTo("echo -n 'a b'\necho -n c\n");
        Cli unknown = client("batch", "123");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("404");
    }

    private JsonNode get(String path) { return cluster.client().get(path); }

    /** A log endpoint's text; IllegalStateException for a non-200 answer (404 = nothing written). */
    private String text(String path) {
        var r = cluster.client().send("GET", path, null, Duration.ofSeconds(10));
        if (r.statusCode() != 200) throw new IllegalStateException("GET " + path + " -> " + r.statusCode());
        return r.body();
    }

    private static int maxOverlap(List<long[]> intervals) {
        List<long[]> events = new ArrayList<>();
        for (long[] iv : intervals) {
            events.add(new long[]{iv[0], 1});
            events.add(new long[]{iv[1], -1});
        }
        events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int now = 0, max = 0;
        for (long[] e : events) {
            now += (int) e[1];
            max = Math.max(max, now);
        }
        return max;
    }
}
