package io.hakuriver.runner;

import io.hakuriver.api.GpuInfo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * NVIDIA GPUs from {@code nvidia-smi --query-gpu=… --format=csv,noheader,nounits}: a separate process with an argv
 * (no shell), a timeout and a bounded read of its output. No NVML binding: nvidia-smi ships with every driver,
 * costs the Runner no native library, and a hung driver hangs a child process, not the Runner.
 */
public final class NvidiaSmi implements GpuSource {
    public static final String QUERY = "--query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu,temperature.gpu,power.draw";
    public static final String FORMAT = "--format=csv,noheader,nounits";
    static final int FIELDS = 8;
    /** 64 KiB: about 400 GPUs' lines; more is not an answer to this query. */
    static final int MAX_OUTPUT = 64 * 1024;
    static final int MAX_REASON = 200;

    private final String executable;
    private final Duration timeout;

    public NvidiaSmi(String executable, Duration timeout) {
        this.executable = executable;
        this.timeout = timeout;
    }

    public List<String> argv() { return List.of(executable, QUERY, FORMAT); }

    @Override public GpuScan scan() {
        if (executable == null || executable.isBlank()) return GpuScan.failed("GPU discovery is off ([gpu] nvidia_smi = \"\")");
        Process p;
        try {
            p = new ProcessBuilder(argv()).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            return GpuScan.failed(executable + " not found or not executable (" + oneLine(e.getMessage())
                    + "): no NVIDIA driver on this node, or set [gpu] nvidia_smi to its path");
        }
        BoundedRead out = new BoundedRead(p.getInputStream(), MAX_OUTPUT);
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return GpuScan.failed(executable + " did not answer within " + timeout.toSeconds() + " s (driver hung?)");
            }
            String text = out.await(2000);
            if (p.exitValue() != 0) {
                return GpuScan.failed(executable + " failed with exit code " + p.exitValue() + ": " + firstLine(text));
            }
            return parse(text);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return GpuScan.failed("GPU discovery interrupted");
        }
    }

    /** Parses the CSV lines; a name containing commas keeps them (the numbers are the last five fields). */
    static GpuScan parse(String text) {
        List<GpuInfo> gpus = new ArrayList<>();
        String bad = null;
        for (String line : text.split("\n")) {
            if (line.isBlank()) continue;
            String[] f = Arrays.stream(line.split(",", -1)).map(String::trim).toArray(String[]::new);
            if (f.length < FIELDS) { bad = bad == null ? line : bad; continue; }
            int id;
            try { id = Integer.parseInt(f[0]); } catch (NumberFormatException e) { bad = bad == null ? line : bad; continue; }
            int n = f.length;
            String name = String.join(", ", Arrays.copyOfRange(f, 2, n - 5)); // nvidia-smi writes ", " between fields
            double total = number(f[n - 5]), used = number(f[n - 4]);
            double free = total >= 0 && used >= 0 ? Math.max(0, total - used) : GpuInfo.UNKNOWN;
            double watts = number(f[n - 1]);
            gpus.add(new GpuInfo(id, text(f[1]), text(name), total, used, free, (int) Math.round(number(f[n - 3])),
                    (int) Math.round(number(f[n - 2])), watts < 0 ? GpuInfo.UNKNOWN : Math.round(watts * 1000)));
        }
        if (gpus.isEmpty() && bad != null) return GpuScan.failed("nvidia-smi answered something else than the GPU query: " + oneLine(bad));
        return new GpuScan(gpus, null);
    }

    /** "[N/A]", "[Not Supported]", "[Unknown Error]" and anything else that is not a number: unknown (-1). */
    static double number(String s) {
        try {
            double v = Double.parseDouble(s);
            return Double.isFinite(v) && v >= 0 ? v : GpuInfo.UNKNOWN;
        } catch (NumberFormatException e) {
            return GpuInfo.UNKNOWN;
        }
    }

    private static String text(String s) { return s.startsWith("[") && s.endsWith("]") ? "" : s; }

    private static String firstLine(String s) {
        for (String l : s.split("\n")) if (!l.isBlank()) return oneLine(l);
        return "(no output)";
    }

    static String oneLine(String s) {
        String t = s == null ? "" : s.replaceAll("[\\r\\n\\t]+", " ").strip();
        return t.length() > MAX_REASON ? t.substring(0, MAX_REASON) + "…" : t;
    }

    /** Reads at most {@code max} bytes of a child's output on a daemon thread, discarding the rest. */
    private static final class BoundedRead {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final Thread reader;

        BoundedRead(InputStream in, int max) {
            reader = new Thread(() -> {
                byte[] b = new byte[8192];
                try (in) {
                    for (int r; (r = in.read(b)) > 0; ) {
                        synchronized (buf) { if (buf.size() < max) buf.write(b, 0, Math.min(r, max - buf.size())); }
                    }
                } catch (IOException ignored) { /* the process went away */ }
            }, "nvidia-smi-output");
            reader.setDaemon(true);
            reader.start();
        }

        String await(long millis) throws InterruptedException {
            reader.join(millis);
            synchronized (buf) { return buf.toString(StandardCharsets.UTF_8); }
        }
    }
}
