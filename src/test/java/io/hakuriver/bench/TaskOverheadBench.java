package io.hakuriver.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.client.HostClient;
import io.hakuriver.util.Times;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * (b) What the cluster adds to a trivial task: sequential {@code /bin/true} tasks ({@code --container NULL},
 * plain-process backend) through a real Host and a real Runner, measured from the task's own timestamps
 * ({@code submitted_at} set by the Host, {@code completed_at} by the Runner when it saw the exit), minus the bare
 * spawn time of {@code /bin/true} measured here with ProcessBuilder. Also reported: the client's view (submit
 * call → /status shows completed, polled every {@value #POLL_MS} ms), which adds the completion update's trip.
 */
final class TaskOverheadBench {
    static final double TARGET_MEDIAN_MS = 15;
    static final long POLL_MS = 2;
    private static final Set<String> FINAL = Set.of("completed", "failed", "killed", "killed_oom", "lost");

    private final Report out;
    private final BenchMain.Setup setup;

    TaskOverheadBench(Report out, BenchMain.Setup setup) { this.out = out; this.setup = setup; }

    void run() throws Exception {
        int tasks = Params.integer("bench.b.tasks", 300);
        int warmup = Params.integer("bench.b.warmup", 30);
        out.section("(b) submit -> completed overhead, " + warmup + " warm-up + " + tasks + " sequential /bin/true tasks, plain-process backend");
        long bare = new Stats(spawnTimes(List.of("/bin/true"), null, 200)).median();
        Path exitFile = Files.createTempFile("bench-exit", ".txt");
        // what the plain-process backend actually spawns for a task (its constant wrapper, see ProcessBackend)
        List<String> wrapped = List.of("setsid", "/bin/sh", "-c", "\"$@\"; s=$?; echo $s > \"$0\"; exit $s", exitFile.toString(), "/bin/true");
        long wrappedMedian = new Stats(spawnTimes(wrapped, exitFile, 200)).median();
        Files.deleteIfExists(exitFile);
        out.line("  bare spawn of /bin/true (ProcessBuilder, this JVM): median %s; with the backend's setsid+sh wrapper: median %s",
                Stats.ms(bare), Stats.ms(wrappedMedian));
        Path exitFile2 = Files.createTempFile("bench-exit", ".txt");
        long bareRun = new Stats(spawnToRun(List.of("/bin/date", "+%s.%N"), 50)).median();
        long wrappedRun = new Stats(spawnToRun(List.of("setsid", "/bin/sh", "-c", "\"$@\"; s=$?; echo $s > \"$0\"; exit $s",
                exitFile2.toString(), "/bin/date", "+%s.%N"), 50)).median();
        Files.deleteIfExists(exitFile2);
        out.line("  ProcessBuilder.start() -> the command runs (/bin/date prints its start time): bare median %s, wrapped median %s",
                Stats.ms(bareRun), Stats.ms(wrappedRun));

        try (LaunchedCluster cluster = setup.cluster(1)) {
            cluster.startHost();
            cluster.startRunner("bench-1");
            HostClient c = cluster.client();
            String backend = new HostClient(cluster.runnerUrl("bench-1"), "").get("/health").path("null_backend").asText("?");
            out.line("  the Runner runs --container NULL tasks with the '%s' backend", backend);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("command", "/bin/true");
            body.put("arguments", List.of());
            body.put("env_vars", Map.of());
            body.put("required_cores", 1);
            body.put("container_name", "NULL");
            body.put("targets", List.of("bench-1"));
            for (int i = 0; i < warmup; i++) runOne(c, body);
            long[] hop = new long[100];
            for (int i = 0; i < hop.length; i++) {
                long t = System.nanoTime();
                c.send("GET", "/healthz", null, Duration.ofSeconds(10));
                hop[i] = System.nanoTime() - t;
            }
            out.line("  one HTTP round trip to the Host (GET /healthz, keep-alive) for scale: median %s, p90 %s",
                    Stats.ms(new Stats(hop).median()), Stats.ms(new Stats(hop).percentile(90)));
            JfrProfile hostProfile = JfrProfile.enabled() ? JfrProfile.start(cluster.hostPid(), "b-host") : null;
            JfrProfile runnerProfile = JfrProfile.enabled() ? JfrProfile.start(cluster.runnerPid("bench-1"), "b-runner") : null;
            long[] total = new long[tasks], accept = new long[tasks], client = new long[tasks], overhead = new long[tasks];
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                Sample s = runOne(c, body);
                if (!"completed".equals(s.status) && problems.size() < 5) problems.add(s.id + " ended " + s.status);
                total[i] = s.submitToCompleted;
                accept[i] = s.submitToStarted;
                client[i] = s.clientNanos;
                overhead[i] = s.submitToCompleted - bare;
            }
            Stats ov = new Stats(overhead);
            out.target("median overhead (timestamps - bare spawn)", Stats.ms(ov.median()), "<= 15 ms", ov.median() / 1e6 <= TARGET_MEDIAN_MS);
            out.line("  overhead:                        %s", ov.summary());
            out.line("  submitted_at -> completed_at:    %s", new Stats(total).summary());
            out.line("  submitted_at -> started_at:      %s   (Host queue + /run + Runner accept)", new Stats(accept).summary());
            out.line("  client submit -> sees completed: %s   (adds the /update trip and <= %d ms polling)", new Stats(client).summary(), POLL_MS);
            out.line("  tasks not completed: %s", problems.isEmpty() ? "none" : problems);
            probeStart(cluster, c, body);
            if (hostProfile != null) hostProfile.stopAndSummarize(out, "of the Host during the measured tasks");
            if (runnerProfile != null) runnerProfile.stopAndSummarize(out, "of the Runner during the measured tasks");
        }
    }

    /**
     * Splits the overhead at the moment the task's process really ran: tasks of {@code /bin/date +%s.%N} print
     * their own start time into their stdout file, which lies between submitted_at and completed_at.
     */
    private void probeStart(LaunchedCluster cluster, HostClient c, Map<String, Object> trueBody) throws Exception {
        int probes = Params.integer("bench.b.probes", 50);
        if (probes <= 0) return;
        Map<String, Object> body = new LinkedHashMap<>(trueBody);
        body.put("command", "/bin/date");
        body.put("arguments", List.of("+%s.%N"));
        long[] toProcess = new long[probes], afterProcess = new long[probes];
        int n = 0;
        for (int i = 0; i < probes; i++) {
            Sample s = runOne(c, body);
            Path stdout = cluster.dir.resolve("shared/task_outputs/" + s.id + ".out");
            if (!"completed".equals(s.status) || !Files.exists(stdout)) continue;
            String[] sec = Files.readString(stdout).trim().split("\\.");
            Instant ran = Instant.ofEpochSecond(Long.parseLong(sec[0]), Long.parseLong(sec[1]));
            toProcess[n] = Duration.between(s.submittedAt, ran).toNanos();
            afterProcess[n] = Duration.between(ran, s.completedAt).toNanos();
            n++;
        }
        out.line("  split at the task's own start (%d /bin/date tasks printing their start time):", n);
        out.line("    submitted_at -> process runs:  %s", new Stats(java.util.Arrays.copyOf(toProcess, n)).summary());
        out.line("    process runs -> completed_at:  %s", new Stats(java.util.Arrays.copyOf(afterProcess, n)).summary());
    }

    private record Sample(String id, String status, long submitToStarted, long submitToCompleted, long clientNanos,
                          Instant submittedAt, Instant completedAt) {}

    private static Sample runOne(HostClient c, Map<String, Object> body) throws Exception {
        long t0 = System.nanoTime();
        JsonNode r = c.post("/submit", body);
        String id = r.path("task_ids").get(0).asText();
        JsonNode st;
        long deadline = t0 + Duration.ofSeconds(30).toNanos();
        while (true) {
            st = c.get("/status/" + id);
            if (FINAL.contains(st.path("status").asText())) break;
            if (System.nanoTime() > deadline) throw new IllegalStateException("task " + id + " still " + st.path("status").asText() + " after 30 s");
            Thread.sleep(POLL_MS);
        }
        long clientNanos = System.nanoTime() - t0;
        Instant sub = Times.parse(st.path("submitted_at").asText(null));
        Instant started = Times.parse(st.path("started_at").asText(null));
        Instant done = Times.parse(st.path("completed_at").asText(null));
        long toStart = started == null ? 0 : Duration.between(sub, started).toNanos();
        long toDone = done == null ? 0 : Duration.between(sub, done).toNanos();
        return new Sample(id, st.path("status").asText(), toStart, toDone, clientNanos, sub, done);
    }

    /** Wall time from ProcessBuilder.start() until the spawned {@code date +%s.%N} took its timestamp, in ns. */
    static long[] spawnToRun(List<String> argv, int n) throws Exception {
        long[] t = new long[n];
        for (int i = -10; i < n; i++) {
            Instant before = Instant.now();
            Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String text = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            String[] sec = text.split("\\.");
            Instant ran = Instant.ofEpochSecond(Long.parseLong(sec[0]), Long.parseLong(sec[1]));
            if (i >= 0) t[i] = Duration.between(before, ran).toNanos();
        }
        return t;
    }

    /** Times {@code n} spawn-and-wait cycles of {@code argv} (output discarded), in ns. */
    static long[] spawnTimes(List<String> argv, Path cleanup, int n) throws Exception {
        long[] t = new long[n];
        for (int i = -20; i < n; i++) { // the first 20 warm up the JDK's process machinery
            long s = System.nanoTime();
            Process p = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor();
            if (i >= 0) t[i] = System.nanoTime() - s;
            if (cleanup != null) Files.deleteIfExists(cleanup);
        }
        return t;
    }
}
