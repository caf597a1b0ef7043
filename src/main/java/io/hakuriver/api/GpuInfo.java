package io.hakuriver.api;

/**
 * One GPU as a Runner reports it in {@code gpu_info} of /register and /heartbeat. Field names are KohakuRiver's
 * ({@code gpu_id}, {@code name}, {@code memory_total_mib}, {@code memory_used_mib}, {@code gpu_utilization},
 * {@code temperature}, …) so its tools read them; like KohakuRiver, a figure the driver cannot give
 * ({@code [N/A]}, {@code [Not Supported]}) is -1, and an unknown text is "". {@code uuid} is ours (nvidia-smi's
 * {@code GPU-…} id): tasks are isolated by it, see {@code runner.exec.GpuEnvironment}.
 */
public record GpuInfo(int gpuId, String uuid, String name, double memoryTotalMib, double memoryUsedMib,
                      double memoryFreeMib, int gpuUtilization, int temperature, long powerUsageMw) {
    public static final int UNKNOWN = -1;

    /** The same GPU with fresh figures (a heartbeat's): identity stays, numbers change. */
    public boolean sameDevice(GpuInfo o) { return o != null && gpuId == o.gpuId && uuid.equals(o.uuid); }
}
