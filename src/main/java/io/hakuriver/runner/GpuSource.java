package io.hakuriver.runner;

/**
 * Where a Runner learns its GPUs. One implementation per vendor tool ({@link NvidiaSmi} today); a second vendor is
 * another source, and {@link GpuMonitor} does not care which one answered.
 */
public interface GpuSource {
    /** What was found now. Never throws: a missing or failing tool is a scan with no GPUs and a one-line reason. */
    GpuScan scan();
}
