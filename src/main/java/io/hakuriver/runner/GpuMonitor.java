package io.hakuriver.runner;

import io.hakuriver.api.GpuInfo;
import io.hakuriver.runner.exec.AssignedGpu;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The Runner's view of its GPUs: scanned once before registration, then refreshed on its own thread every heartbeat
 * interval, so a slow or hung nvidia-smi delays a GPU figure, never a heartbeat. Resolves the ids the Host reserved
 * for a task into devices.
 */
public final class GpuMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GpuMonitor.class);
    static final Path NVIDIA_PROC = Path.of("/proc/driver/nvidia/gpus");

    private final GpuSource source;
    private final Path procDir;
    private volatile GpuScan last = GpuScan.failed("GPUs not scanned yet");
    /** The last scan that found GPUs: one failed nvidia-smi run must not fail the tasks the Host placed here. */
    private volatile GpuScan lastGood;
    private ScheduledExecutorService refresher;

    public GpuMonitor(GpuSource source) { this(source, NVIDIA_PROC); }

    GpuMonitor(GpuSource source, Path procDir) {
        this.source = source;
        this.procDir = procDir;
    }

    /** Scans now and remembers the result; logs when what the node has changed. */
    public GpuScan scanNow() {
        GpuScan next;
        try { next = source.scan(); } catch (RuntimeException e) { next = GpuScan.failed("GPU scan failed: " + e); }
        GpuScan prev = last;
        last = next;
        if (next.error() == null) lastGood = next;
        if (!Objects.equals(ids(prev), ids(next)) || !Objects.equals(prev.error(), next.error())) {
            if (next.error() != null) log.info("No GPUs on this node: {}", next.error());
            else log.info("GPUs on this node: {}", describe(next.gpus()));
        }
        return next;
    }

    public GpuScan latest() { return last; }

    /** Refreshes in the background every {@code every}. */
    public synchronized void refreshEvery(Duration every) {
        if (refresher != null) return;
        refresher = Executors.newSingleThreadScheduledExecutor(r -> Fatal.thread(r, "gpu-scan"));
        long ms = Math.max(1000, every.toMillis());
        refresher.scheduleWithFixedDelay(Fatal.guard("gpu scan", this::scanNow), ms, ms, TimeUnit.MILLISECONDS);
    }

    /**
     * The devices for the ids the Host reserved; unknown ids are refused (the task fails with this reason rather than
     * run on GPUs it was not given, or on none).
     */
    public List<AssignedGpu> resolve(List<Integer> ids) {
        if (ids == null || ids.isEmpty()) return List.of();
        GpuScan scan = last.error() != null && lastGood != null ? lastGood : last;
        Map<String, Integer> minors = NvidiaDevices.minorsByUuid(procDir);
        List<AssignedGpu> out = new ArrayList<>();
        for (int id : ids) {
            GpuInfo g = scan.byIndex(id);
            if (g == null) {
                throw new IllegalArgumentException("GPU " + id + " was reserved for this task but this node "
                        + (scan.error() != null ? "reports no GPUs (" + scan.error() + ")" : "has GPUs " + ids(scan)));
            }
            out.add(new AssignedGpu(id, g.uuid(), minors.getOrDefault(g.uuid(), id)));
        }
        return out;
    }

    private static List<Integer> ids(GpuScan s) { return s.gpus().stream().map(GpuInfo::gpuId).toList(); }

    private static String describe(List<GpuInfo> gpus) {
        List<String> parts = new ArrayList<>();
        for (GpuInfo g : gpus) parts.add(g.gpuId() + " " + g.name() + (g.memoryTotalMib() >= 0 ? " (" + Math.round(g.memoryTotalMib()) + " MiB)" : ""));
        return String.join(", ", parts);
    }

    @Override public synchronized void close() { if (refresher != null) refresher.shutdownNow(); }
}
