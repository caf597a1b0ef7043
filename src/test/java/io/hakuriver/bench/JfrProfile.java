package io.hakuriver.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Optional evidence for bottlenecks (-Dbench.profile=true): a Java Flight Recorder recording of a Host or Runner
 * process, started and stopped with jcmd around the measured part, summarised as the hottest methods (CPU
 * samples), the hottest HakuRiver call sites, and monitor contention (who waited for which lock, how long).
 */
final class JfrProfile {
    private final long pid;
    private final Path file;

    private JfrProfile(long pid, Path file) { this.pid = pid; this.file = file; }

    static boolean enabled() { return Boolean.getBoolean("bench.profile"); }

    static JfrProfile start(long pid, String label) throws Exception {
        Path f = Path.of(System.getProperty("bench.results", "bench/results")).toAbsolutePath().resolve("profile-" + label + ".jfr");
        Files.createDirectories(f.getParent());
        Files.deleteIfExists(f);
        jcmd(pid, "JFR.start", "name=bench", "settings=profile", "filename=" + f);
        return new JfrProfile(pid, f);
    }

    /** Stops the recording and writes the summary. */
    void stopAndSummarize(Report out, String title) throws Exception {
        jcmd(pid, "JFR.stop", "name=bench");
        Map<String, Integer> top = new HashMap<>(), app = new HashMap<>();
        Map<String, long[]> contention = new HashMap<>();
        int samples = 0;
        long gcNanos = 0, maxLiveAfterGc = 0;
        Map<String, long[]> gcByName = new HashMap<>();
        int gcs = 0;
        try (RecordingFile rf = new RecordingFile(file)) {
            while (rf.hasMoreEvents()) {
                RecordedEvent e = rf.readEvent();
                String type = e.getEventType().getName();
                switch (type) {
                    case "jdk.ExecutionSample" -> {
                        RecordedStackTrace st = e.getStackTrace();
                        if (st == null || st.getFrames().isEmpty()) continue;
                        samples++;
                        top.merge(frame(st.getFrames().get(0)), 1, Integer::sum);
                        String first = firstApp(st.getFrames());
                        if (first != null) app.merge(first, 1, Integer::sum);
                    }
                    case "jdk.JavaMonitorEnter" -> {
                        String where = e.getStackTrace() == null ? "?" : String.valueOf(firstApp(e.getStackTrace().getFrames()));
                        String key = e.getClass("monitorClass").getName() + " at " + where;
                        long[] v = contention.computeIfAbsent(key, k -> new long[2]);
                        v[0]++;
                        v[1] += e.getDuration().toNanos();
                    }
                    case "jdk.GarbageCollection" -> {
                        gcs++;
                        gcNanos += e.getDuration().toNanos();
                        gcByName.computeIfAbsent(e.getString("name"), k -> new long[2])[0]++;
                        gcByName.get(e.getString("name"))[1] += e.getDuration().toNanos();
                    }
                    case "jdk.GCHeapSummary" -> {
                        if ("After GC".equals(e.getString("when"))) maxLiveAfterGc = Math.max(maxLiveAfterGc, e.getLong("heapUsed"));
                    }
                    default -> { }
                }
            }
        }
        out.line("  profile %s (%s): %d CPU samples, %d GCs taking %.0f ms", title, file.getFileName(), samples, gcs, gcNanos / 1e6);
        StringBuilder gc = new StringBuilder();
        gcByName.forEach((k, v) -> gc.append(gc.length() == 0 ? "" : ", ").append(k).append(' ').append(v[0]).append(" x ")
                .append(Math.round(v[1] / 1e6)).append(" ms"));
        out.line("    GC: %s; largest heap in use after a GC %.1f MiB", gc.length() == 0 ? "none" : gc, maxLiveAfterGc / 1048576.0);
        out.line("    hottest methods (self):");
        print(out, top, samples, 12);
        out.line("    hottest HakuRiver call sites (first io.hakuriver frame on the stack):");
        print(out, app, samples, 10);
        out.line("    monitor contention (count, total wait):");
        contention.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(6)
                .forEach(en -> out.line("      %6d  %8.0f ms  %s", en.getValue()[0], en.getValue()[1] / 1e6, en.getKey()));
        if (contention.isEmpty()) out.line("      none recorded (JFR records waits >= 20 ms)");
    }

    private static void print(Report out, Map<String, Integer> counts, int total, int n) {
        counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(n)
                .forEach(en -> out.line("      %5.1f%%  %s", en.getValue() * 100.0 / Math.max(1, total), en.getKey()));
    }

    private static String frame(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName() + ":" + f.getLineNumber();
    }

    private static String firstApp(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            if (f.getMethod() != null && f.getMethod().getType().getName().startsWith("io.hakuriver.")) return frame(f);
        }
        return null;
    }

    private static void jcmd(long pid, String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(pid)));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("jcmd " + String.join(" ", args) + " failed: " + text);
        Thread.sleep(Duration.ofMillis(100).toMillis());
    }
}
