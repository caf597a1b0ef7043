package io.hakuriver.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * End-to-end benchmarks of issue 2, item 11 — they measure and report, they never pass or fail:
 * (a) /submit throughput against simulated runners, (b) submit→completed overhead of a trivial task,
 * (c) Host/Runner RSS at idle and after 1,000 tasks, plus start-up times. Run through {@code bench/run.sh}.
 *
 * <p>Usage: {@code BenchMain [a|b|c|all]...}; system properties: {@code hakuriver.jar} (shaded jar),
 * {@code hakuriver.launcher} (bin/hakuriver), {@code bench.results} (results folder), and the per-scenario
 * {@code bench.*} tunables documented in bench/README.md.
 */
public final class BenchMain {
    /** Where the jar and the launcher are; creates clusters. */
    record Setup(Path launcher, Path jar) {
        LaunchedCluster cluster(int heartbeatSeconds) throws java.io.IOException {
            return new LaunchedCluster(launcher, jar, heartbeatSeconds);
        }
    }

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        // the simulated runners' JDK HttpServer closes idle connections beyond 200 by default: the Host's burst of
        // /run calls opens more, and a /run on a connection closed that way fails the task (see bench/README.md)
        System.setProperty("sun.net.httpserver.maxIdleConnections", "4096");
        List<String> which = new ArrayList<>();
        for (String a : args) {
            switch (a) {
                case "a", "b", "c", "d", "e" -> which.add(a);
                case "all" -> which.addAll(List.of("a", "b", "c", "d", "e"));
                case "-h", "--help" -> { usage(); return; }
                default -> { System.err.println("unknown benchmark '" + a + "'"); usage(); System.exit(2); }
            }
        }
        if (which.isEmpty()) which.addAll(List.of("a", "b", "c", "d", "e"));
        Path jar = Path.of(System.getProperty("hakuriver.jar", "target/hakuriver.jar")).toAbsolutePath();
        Path launcher = Path.of(System.getProperty("hakuriver.launcher", "bin/hakuriver")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) fail("shaded jar " + jar + " not found: build it with `mvn -q -DskipTests package`");
        if (!Files.isExecutable(launcher)) fail("launcher " + launcher + " not found or not executable");
        Setup setup = new Setup(launcher, jar);

        String name = args.length == 1 ? args[0] : String.join("", which);
        String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss'Z'"));
        Path file = Path.of(System.getProperty("bench.results", "bench/results")).resolve(name + "-" + stamp + ".txt").toAbsolutePath();

        Report out = new Report();
        out.line("HakuRiver benchmark %s — %s UTC", String.join(",", which), stamp);
        out.line("machine: %d CPUs, load average at start %s; %s %s", Runtime.getRuntime().availableProcessors(),
                ProcStats.loadAverage(), System.getProperty("java.vm.name"), System.getProperty("java.version"));
        out.line("jar %s, launcher %s (HAKURIVER_JAVA_OPTS=%s)", jar, launcher, System.getenv().getOrDefault("HAKURIVER_JAVA_OPTS", "<default>"));
        long t0 = System.nanoTime();
        int failures = 0;
        for (String w : which) {
            try {
                switch (w) {
                    case "a" -> new SubmitThroughputBench(out, setup).run();
                    case "b" -> new TaskOverheadBench(out, setup).run();
                    case "c" -> new FootprintBench(out, setup).run();
                    case "d" -> new BurstBench(out, setup).run();
                    case "e" -> new ManyRunnersBench(out, setup).run();
                    default -> throw new IllegalStateException(w);
                }
            } catch (Exception e) {
                failures++;
                out.line("  (%s) could not be measured: %s", w, e);
                e.printStackTrace();
            }
        }
        out.line("");
        out.line("load average at end %s; total time %.0f s", ProcStats.loadAverage(), (System.nanoTime() - t0) / 1e9);
        out.writeTo(file);
        System.out.println("results written to " + file);
        System.exit(failures == 0 ? 0 : 1);
    }

    private static void fail(String msg) {
        System.err.println("bench: " + msg);
        System.exit(2);
    }

    private static void usage() {
        System.out.println("usage: bench/run.sh [a|b|c|d|all]...   (a) submit throughput  (b) task overhead  (c) memory + start-up  (d) end-to-end burst  (e) 200 runners");
    }
}
