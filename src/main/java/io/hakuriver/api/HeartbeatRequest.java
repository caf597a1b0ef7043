package io.hakuriver.api;

import java.util.List;

/**
 * PUT /heartbeat/{hostname}. paused_tasks is our addition (old hosts ignore it) so that paused tasks take part in
 * reconciliation; runner_url lets a host notice a runner that moved. gpu_info (KohakuRiver's field) carries the GPUs'
 * current memory and utilisation, gpu_error (ours) why there are none.
 */
public record HeartbeatRequest(List<Long> runningTasks, List<KilledTask> killedTasks, Double cpuPercent,
                               Double memoryPercent, Long memoryUsedBytes, Long memoryTotalBytes,
                               List<Long> pausedTasks, String runnerUrl, List<GpuInfo> gpuInfo, String gpuError) {
    /** Without GPU figures (an original Runner, or a test). */
    public HeartbeatRequest(List<Long> runningTasks, List<KilledTask> killedTasks, Double cpuPercent,
                            Double memoryPercent, Long memoryUsedBytes, Long memoryTotalBytes,
                            List<Long> pausedTasks, String runnerUrl) {
        this(runningTasks, killedTasks, cpuPercent, memoryPercent, memoryUsedBytes, memoryTotalBytes, pausedTasks, runnerUrl, null, null);
    }

    public List<Long> runningTasksOrEmpty() { return runningTasks == null ? List.of() : runningTasks; }
    public List<Long> pausedTasksOrEmpty() { return pausedTasks == null ? List.of() : pausedTasks; }
    public List<KilledTask> killedTasksOrEmpty() { return killedTasks == null ? List.of() : killedTasks; }
}
