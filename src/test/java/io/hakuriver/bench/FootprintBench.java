package io.hakuriver.bench;

import io.hakuriver.client.HostClient;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * (c) Start-up times and resident memory of the Host and a Runner started by the launcher (its JVM flags), at idle
 * and after each round of 1,000 trivial tasks, so growth per round is visible.
 */
final class FootprintBench {
    static final double HOST_TARGET_MIB = 128, RUNNER_TARGET_MIB = 64;

    private final Report out;
    private final BenchMain.Setup setup;

    FootprintBench(Report out, BenchMain.Setup setup) { this.out = out; this.setup = setup; }

    void run() throws Exception {
        int starts = Params.integer("bench.c.starts", 3);
        int rounds = Params.integer("bench.c.rounds", 2);
        int perRound = Params.integer("bench.c.tasks", 1000);
        int settle = Params.integer("bench.c.settle_ms", 5000);
        out.section("(c) start-up and memory (launcher flags), " + rounds + " rounds of " + perRound + " /bin/true tasks");
        long probe = javaProbe();
        out.line("  the launcher's Java version probe (java -XshowSettings:properties -version) alone takes %s", Stats.ms(probe));

        long[] hostStart = new long[starts], runnerHealthz = new long[starts], runnerReg = new long[starts];
        for (int i = 0; i < starts; i++) {
            try (LaunchedCluster cluster = setup.cluster(1)) {
                hostStart[i] = cluster.startHost();
                LaunchedCluster.RunnerStart rs = cluster.startRunner("bench-1");
                runnerHealthz[i] = rs.untilHealthz();
                runnerReg[i] = rs.untilRegistered();
            }
        }
        out.line("  Host cold start (launcher exec -> /healthz 200):     %s", list(hostStart));
        out.line("  Runner start -> its /healthz 200:                     %s", list(runnerHealthz));
        out.line("  Runner start -> registered (online at the Host):      %s", list(runnerReg));

        try (LaunchedCluster cluster = setup.cluster(5)) {
            cluster.startHost();
            cluster.startRunner("bench-1");
            long host = cluster.hostPid(), runner = cluster.runnerPid("bench-1");
            out.line("  host JVM:   %s", ProcStats.cmdline(host).replaceAll(" -jar .*", " -jar ..."));
            out.line("  runner JVM: %s", ProcStats.cmdline(runner).replaceAll(" -jar .*", " -jar ..."));
            Thread.sleep(settle);
            ProcStats.Memory hostIdle = ProcStats.memory(host), runnerIdle = ProcStats.memory(runner);
            out.line("  idle:              host %s", hostIdle);
            out.line("                     runner %s", runnerIdle);
            ProcStats.Memory hostLast = hostIdle, runnerLast = runnerIdle;
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("command", "/bin/true");
            body.put("arguments", List.of());
            body.put("env_vars", Map.of());
            body.put("required_cores", 1);
            body.put("container_name", "NULL");
            HostClient c = cluster.client();
            for (int r = 1; r <= rounds; r++) {
                long t0 = System.nanoTime();
                SubmitLoad.Result res = SubmitLoad.run(cluster.hostUrl(), body, perRound, 4);
                long peakHost = 0, peakRunner = 0;
                long deadline = System.nanoTime() + 300_000_000_000L;
                long done;
                while (true) {
                    done = SubmitThroughputBench.count(c, "completed") + SubmitThroughputBench.count(c, "failed");
                    peakHost = Math.max(peakHost, ProcStats.memory(host).rssKb());
                    peakRunner = Math.max(peakRunner, ProcStats.memory(runner).rssKb());
                    if (done >= (long) r * perRound || System.nanoTime() > deadline) break;
                    Thread.sleep(200);
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                long failed = SubmitThroughputBench.count(c, "failed");
                Thread.sleep(settle);
                hostLast = ProcStats.memory(host);
                runnerLast = ProcStats.memory(runner);
                out.line("  after %5d tasks: host %s", r * perRound, hostLast);
                out.line("                     runner %s", runnerLast);
                out.line("                     (round took %.1f s, %.0f tasks/s end to end; %d submit errors, %d failed tasks in total; peak RSS during round: host %.1f MiB, runner %.1f MiB)",
                        secs, perRound / secs, res.errors(), failed, peakHost / 1024.0, peakRunner / 1024.0);
            }
            out.target("Host RSS after " + rounds * perRound + " tasks", fmt(hostLast.rssMib()), "<= 128 MiB", hostLast.rssMib() <= HOST_TARGET_MIB);
            out.target("Runner RSS after " + rounds * perRound + " tasks", fmt(runnerLast.rssMib()), "<= 64 MiB", runnerLast.rssMib() <= RUNNER_TARGET_MIB);
            out.line("  host threads:   %s", ProcStats.threadGroups(host));
            out.line("  runner threads: %s", ProcStats.threadGroups(runner));
            out.line("  growth idle -> end: host %+.1f MiB, runner %+.1f MiB", hostLast.rssMib() - hostIdle.rssMib(), runnerLast.rssMib() - runnerIdle.rssMib());
            if (Boolean.getBoolean("bench.nmt")) {
                out.line("  native memory tracking, host:");
                for (String l : ProcStats.nativeMemory(host)) if (!l.contains("committed      0.")) out.line("    " + l);
                out.line("  native memory tracking, runner:");
                for (String l : ProcStats.nativeMemory(runner)) if (!l.contains("committed      0.")) out.line("    " + l);
            }
        }
    }

    private static String fmt(double mib) { return String.format(Locale.ROOT, "%.1f MiB", mib); }

    private static String list(long[] nanos) {
        StringBuilder sb = new StringBuilder();
        for (long n : nanos) sb.append(sb.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f ms", n / 1e6));
        return sb.toString();
    }

    private static long javaProbe() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long s = System.nanoTime();
            new ProcessBuilder(java.toString(), "-XshowSettings:properties", "-version")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            best = Math.min(best, System.nanoTime() - s);
        }
        return best;
    }
}
