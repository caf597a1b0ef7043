package io.hakuriver.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.client.HostClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * (d) End-to-end throughput of a burst: N trivial bare tasks ({@code /bin/true}, {@code --container NULL},
 * plain-process backend) submitted as one sweep to a real Host with one real Runner, timed from the submit to the
 * last completion; printed beside the floor measured in the same run: the same number of {@code /bin/true} spawns
 * at the same parallelism, xargs-style ({@code xargs -P<P> -n1}).
 */
final class BurstBench {
    static final double TARGET_TASKS_PER_S = 500;

    private final Report out;
    private final BenchMain.Setup setup;

    BurstBench(Report out, BenchMain.Setup setup) { this.out = out; this.setup = setup; }

    void run() throws Exception {
        int tasks = Params.integer("bench.d.tasks", 2000);
        List<String> variants = Params.list("bench.d.cores", "0,1");
        out.section("(d) end-to-end burst of " + tasks + " /bin/true tasks through a real Host and Runner");
        try (LaunchedCluster cluster = setup.cluster(1)) {
            cluster.startHost();
            cluster.startRunner("bench-1");
            HostClient c = cluster.client();
            JsonNode node = c.get("/nodes").get(0);
            int cores = node.path("total_cores").asInt();
            long runner = cluster.runnerPid("bench-1");
            out.line("  runner at start: %s", ProcStats.memory(runner));
            burst(c, 200, 0); // warm-up: JIT, SQLite, connections
            for (String v : variants) {
                int reqCores = Integer.parseInt(v);
                // what can run at once on this node: its task limit for 0-core tasks, its cores otherwise
                int parallel = reqCores == 0 ? Math.max(8, 4 * cores) : Math.max(1, cores / reqCores);
                double floor = spawnFloor(tasks, parallel);
                long cpuHost0 = ProcStats.cpuMillis(cluster.hostPid()), cpuRunner0 = ProcStats.cpuMillis(cluster.runnerPid("bench-1"));
                long machine0 = ProcStats.machineBusyMillis();
                double seconds = burst(c, tasks, reqCores);
                long cpuHost = ProcStats.cpuMillis(cluster.hostPid()) - cpuHost0;
                long cpuRunner = ProcStats.cpuMillis(cluster.runnerPid("bench-1")) - cpuRunner0;
                long machine = ProcStats.machineBusyMillis() - machine0;
                double fileMs = fileCreation(cluster.sharedDir(), 2 * tasks); // after the burst: it deletes what it made
                double rate = tasks / seconds;
                out.line("  %d-core tasks (at most %d at once): %.0f tasks/s (%.2f s); spawn floor xargs -P%d: %.0f spawns/s; ratio %.2f",
                        reqCores, parallel, rate, seconds, parallel, floor, rate / floor);
                out.line("      CPU per task: Host %.2f ms, Runner %.2f ms; for scale, creating the task's two log files here costs %.2f ms",
                        cpuHost / (double) tasks, cpuRunner / (double) tasks, 2 * fileMs);
                out.line("      the whole machine: %.2f ms of CPU per task (%.0f %% of its %d cores busy), of which the daemons' %.2f ms;"
                        + " the rest is the tasks, their spawn chain (the spawn helper, or setsid and the sh wrapper), the kernel and this bench",
                        machine / (double) tasks, 100.0 * machine / (seconds * 1000 * Runtime.getRuntime().availableProcessors()),
                        Runtime.getRuntime().availableProcessors(), (cpuHost + cpuRunner) / (double) tasks);
                out.line("      runner after it: %s", ProcStats.memory(runner));
                out.target("(d) " + reqCores + "-core burst", String.format("%.0f tasks/s", rate), "≥ 500 tasks/s", rate >= TARGET_TASKS_PER_S);
            }
            // VmHWM: the Runner's peak resident memory over its whole life, every burst above included (issue 9's footprint)
            double peak = ProcStats.memory(runner).hwmKb() / 1024.0;
            out.line("  runner threads after the bursts: %s", ProcStats.threadGroups(runner));
            out.target("(d) Runner peak RSS over the bursts", String.format("%.1f MiB", peak), "<= 64 MiB", peak <= FootprintBench.RUNNER_TARGET_MIB);
        }
    }

    /**
     * Submits one sweep of {@code n} /bin/true elements and waits until every element is final; returns seconds from
     * just before the submit to the latest completed_at the Host recorded. The watching is a light poll every 250 ms
     * and does not decide the time: polling every 25 ms for the end had itself cost ~11 % of the Host's CPU (profiled).
     */
    private static double burst(HostClient c, int n, int cores) throws Exception {
        List<List<String>> sets = new ArrayList<>(n);
        for (int i = 0; i < n; i++) sets.add(List.of());
        java.time.Instant start = java.time.Instant.now();
        long t0 = System.nanoTime();
        JsonNode r = c.post("/submit", Map.of("command", "/bin/true", "arguments", List.of(), "argument_sets", sets,
                "required_cores", cores, "container_name", "NULL"));
        String batch = r.get("batch_id").asText();
        long deadline = t0 + Duration.ofMinutes(10).toNanos();
        String unfinished = "/tasks?batch_id=" + batch + "&status=pending,assigning,running,paused&limit=1";
        while (System.nanoTime() < deadline) {
            var resp = c.send("GET", unfinished, null, Duration.ofSeconds(30));
            if ("0".equals(resp.headers().firstValue("X-Total-Count").orElse(""))) {
                JsonNode counts = c.get("/batches/" + batch).get("counts");
                if (counts.path("completed").asInt() != n) throw new IllegalStateException("not every task completed: " + counts);
                java.time.Instant last = start;
                for (JsonNode t : c.get("/tasks?batch_id=" + batch + "&limit=" + n)) {
                    java.time.Instant done = io.hakuriver.util.Times.parse(t.path("completed_at").asText());
                    if (done.isAfter(last)) last = done;
                }
                return Duration.between(start, last).toNanos() / 1e9;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("burst did not finish within 10 minutes");
    }

    /**
     * CPU ms to create one empty file, as the Runner creates each task's stdout and stderr file, in a fresh folder of
     * the shared dir (then removed). On an ext4 without a journal (this machine's disk) a file created soon after
     * others were deleted costs tens of times more, since freed inodes are skipped for a while.
     */
    private static double fileCreation(java.nio.file.Path shared, int n) throws Exception {
        java.nio.file.Path d = java.nio.file.Files.createTempDirectory(shared, "files-");
        long t0 = ProcStats.cpuMillis(ProcessHandle.current().pid());
        long w0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            try (var ch = java.nio.channels.FileChannel.open(d.resolve(i + ".out"), java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) { /* empty */ }
        }
        double wallMs = (System.nanoTime() - w0) / 1e6;
        long cpu = ProcStats.cpuMillis(ProcessHandle.current().pid()) - t0;
        try (var s = java.nio.file.Files.list(d)) { for (var f : (Iterable<java.nio.file.Path>) s::iterator) java.nio.file.Files.delete(f); }
        java.nio.file.Files.delete(d);
        return Math.min(wallMs, Math.max(cpu, 1)) / n; // one thread: CPU time, bounded by the wall time
    }

    /** Spawns per second of {@code n} /bin/true at parallelism {@code p}, as `seq n | xargs -P p -n1 /bin/true` does. */
    private static double spawnFloor(int n, int p) throws Exception {
        long t0 = System.nanoTime();
        Process x = new ProcessBuilder("sh", "-c", "seq " + n + " | xargs -P " + p + " -n 1 /bin/true").inheritIO().start();
        if (x.waitFor() != 0) throw new IllegalStateException("xargs failed");
        return n / ((System.nanoTime() - t0) / 1e9);
    }
}
