package io.hakuriver.bench;

import io.hakuriver.client.HostClient;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * (a) POST /submit throughput against a real Host (launcher JVM flags) whose Runners are simulated, so tasks stay
 * queued ("pending") or assigned ("assigning") and the number measures the Host alone. Two modes:
 * <ul>
 *   <li>queued: 1-core tasks on N small nodes — nearly every task waits in the queue;</li>
 *   <li>dispatched: 0-core tasks (no reservation) — every task is also sent to its Runner with /run at once.</li>
 * </ul>
 */
final class SubmitThroughputBench {
    static final double TARGET_PER_SECOND = 2000;

    private final Report out;
    private final BenchMain.Setup setup;

    SubmitThroughputBench(Report out, BenchMain.Setup setup) { this.out = out; this.setup = setup; }

    void run() throws Exception {
        int queuedSubmits = Params.integer("bench.a.submits", 20_000);
        int warmup = Params.integer("bench.a.warmup", 3_000);
        int clients = Params.integer("bench.a.clients", 16);
        int nodes = Params.integer("bench.a.nodes", 4);
        int cores = Params.integer("bench.a.cores", 8);
        // dispatching is several times slower per submit: fewer of them keep `bench/run.sh all` within ~5 minutes
        int dispatchedSubmits = Params.integer("bench.a.dispatched_submits", 8_000);
        out.section("(a) /submit throughput, simulated runners (" + nodes + " nodes x " + cores + " cores), "
                + clients + " concurrent clients (" + SubmitLoad.clientKind() + " HTTP), " + warmup + " warm-up + "
                + queuedSubmits + " (queued) / " + dispatchedSubmits + " (dispatched) measured submits");
        for (String mode : Params.list("bench.a.modes", "queued,dispatched")) {
            int reqCores = mode.equals("dispatched") ? 0 : 1;
            int submits = mode.equals("dispatched") ? dispatchedSubmits : queuedSubmits;
            try (LaunchedCluster cluster = setup.cluster(1);
                 SimulatedRunners sim = new SimulatedRunners(cluster.hostUrl(), nodes, cores)) {
                cluster.startHost();
                sim.start(1);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("command", "/bin/true");
                body.put("arguments", java.util.List.of("bench"));
                body.put("env_vars", Map.of());
                body.put("required_cores", reqCores);
                body.put("container_name", "NULL");
                long pid = cluster.hostPid();
                SubmitLoad.run(cluster.hostUrl(), body, warmup, clients);
                long hostCpu0 = ProcStats.cpuMillis(pid), selfCpu0 = ProcStats.cpuMillis(ProcessHandle.current().pid());
                long beats0 = sim.heartbeats.get(), beatNs0 = sim.heartbeatNanos.get();
                JfrProfile profile = JfrProfile.enabled() ? JfrProfile.start(pid, "a-" + mode + "-host") : null;
                SubmitLoad.Result r = SubmitLoad.run(cluster.hostUrl(), body, submits, clients);
                long hostCpu = ProcStats.cpuMillis(pid) - hostCpu0, selfCpu = ProcStats.cpuMillis(ProcessHandle.current().pid()) - selfCpu0;
                long beats = sim.heartbeats.get() - beats0, beatNs = sim.heartbeatNanos.get() - beatNs0;
                Stats s = new Stats(r.latencies());
                out.line("");
                out.line("  mode %s (required_cores=%d)", mode, reqCores);
                out.target("submits/s", String.format(java.util.Locale.ROOT, "%.0f/s", r.perSecond()), ">= 2000/s", r.perSecond() >= TARGET_PER_SECOND);
                out.line("  latency: %s", s.summary());
                out.line("  errors (non-202): %d%s", r.errors(), r.sampleErrors().isEmpty() ? "" : "  e.g. " + r.sampleErrors());
                double wallMs = r.wallNanos() / 1e6;
                out.line("  CPU during the run: host %.0f%% of one core (%.3f ms per submit), bench client %.0f%%; wall %.0f ms",
                        hostCpu * 100.0 / wallMs, hostCpu / (double) submits, selfCpu * 100.0 / wallMs, wallMs);
                out.line("  heartbeats during the run: %d, mean %.1f ms each (%d failed overall)",
                        beats, beats == 0 ? 0.0 : beatNs / 1e6 / beats, sim.heartbeatFailures.get());
                settle(sim);
                HostClient c = cluster.client();
                long pending = count(c, "pending"), assigning = count(c, "assigning"), failed = count(c, "failed");
                out.line("  tasks at the Host afterwards: pending %d, assigning %d, failed %d (submitted %d); /run calls received %d",
                        pending, assigning, failed, warmup + submits, sim.runCalls.get());
                if (failed > 0) {
                    var sample = c.get("/tasks?status=failed&limit=3");
                    for (var t : sample) out.line("    failed task %s: %s", t.path("task_id").asText(), t.path("error_message").asText());
                }
                out.line("  host RSS after the run: %s", ProcStats.memory(pid));
                out.line("  host threads: %s", ProcStats.threadGroups(pid));
                if (profile != null) profile.stopAndSummarize(out, "of the Host during the measured submits");
                if (Boolean.getBoolean("bench.nmt")) {
                    out.line("  native memory tracking, host:");
                    for (String l : ProcStats.nativeMemory(pid)) if (!l.contains("committed      0.")) out.line("    " + l);
                }
            }
        }
    }

    /** Waits (at most 20 s) until dispatches stop arriving at the simulated runners, so the counts are final. */
    private static void settle(SimulatedRunners sim) throws InterruptedException {
        long last = -1, end = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < end && sim.runCalls.get() != last) {
            last = sim.runCalls.get();
            Thread.sleep(1000);
        }
    }

    static long count(HostClient c, String status) {
        var r = c.send("GET", "/tasks?status=" + status + "&limit=1", null, Duration.ofSeconds(30));
        return Long.parseLong(r.headers().firstValue("X-Total-Count").orElse("-1"));
    }
}
