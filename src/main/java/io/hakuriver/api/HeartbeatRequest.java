package io.hakuriver.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/**
 * PUT /heartbeat/{hostname}. paused_tasks is our addition (old hosts ignore it) so that paused tasks take part in
 * reconciliation. gpu_info (KohakuRiver's field) carries the GPUs' current memory and utilisation, gpu_error (ours)
 * why there are none; pending_updates (ours) is how many status updates the Runner has not delivered yet, shown by
 * the Host's /metrics; starts_when_room (ours) repeats the registration's word, so a restarted Host learns it without
 * a new registration. An original Runner sends none of these five. killed_tasks entries without a task_id are
 * skipped, as the original does.
 */
public record HeartbeatRequest(List<Long> runningTasks, List<KilledTask> killedTasks, Double cpuPercent,
                               Double memoryPercent, Long memoryUsedBytes, Long memoryTotalBytes,
                               List<Long> pausedTasks, List<GpuInfo> gpuInfo, String gpuError, Integer pendingUpdates,
                               @JsonInclude(JsonInclude.Include.NON_NULL) Boolean startsWhenRoom) {
    public HeartbeatRequest {
        Problems p = new Problems();
        p.ids("running_tasks", runningTasks);
        p.ids("paused_tasks", pausedTasks);
        p.noNulls("killed_tasks", killedTasks);
        if (killedTasks != null) {
            List<KilledTask> named = new ArrayList<>(killedTasks.size());
            for (int i = 0; i < killedTasks.size(); i++) {
                KilledTask k = killedTasks.get(i);
                if (k == null || k.taskId() == null) continue;
                p.range("killed_tasks[" + i + "].task_id", k.taskId(), 1, Long.MAX_VALUE);
                named.add(k);
            }
            killedTasks = named;
        }
        if (cpuPercent != null && cpuPercent < 0) p.add("cpu_percent", "cpu_percent must be >= 0 (got " + cpuPercent + ")", "value_error");
        if (memoryPercent != null && (memoryPercent < 0 || memoryPercent > 100)) {
            p.add("memory_percent", "memory_percent must be between 0 and 100 (got " + memoryPercent + ")", "value_error");
        }
        p.range("memory_used_bytes", memoryUsedBytes, 0, Bounds.MAX_MEMORY_BYTES);
        p.range("memory_total_bytes", memoryTotalBytes, 0, Bounds.MAX_MEMORY_BYTES);
        p.range("pending_updates", pendingUpdates, 0, Integer.MAX_VALUE);
        GpuInfo.check(p, gpuInfo);
        p.throwIfAny();
        gpuError = GpuInfo.oneLine(gpuError);
    }

    /** Without GPU figures or backlog (an original Runner, or a test). */
    public HeartbeatRequest(List<Long> runningTasks, List<KilledTask> killedTasks, Double cpuPercent,
                            Double memoryPercent, Long memoryUsedBytes, Long memoryTotalBytes, List<Long> pausedTasks) {
        this(runningTasks, killedTasks, cpuPercent, memoryPercent, memoryUsedBytes, memoryTotalBytes, pausedTasks, null, null, null);
    }

    /** Without a backlog figure. */
    public HeartbeatRequest(List<Long> runningTasks, List<KilledTask> killedTasks, Double cpuPercent,
                            Double memoryPercent, Long memoryUsedBytes, Long memoryTotalBytes, List<Long> pausedTasks,
                            List<GpuInfo> gpuInfo, String gpuError) {
        this(runningTasks, killedTasks, cpuPercent, memoryPercent, memoryUsedBytes, memoryTotalBytes, pausedTasks, gpuInfo, gpuError, null);
    }

    /** Without the when_room word (read as: does not take such starts). */
    public HeartbeatRequest(List<Long> runningTasks, List<KilledTask> killedTasks, Double cpuPercent,
                            Double memoryPercent, Long memoryUsedBytes, Long memoryTotalBytes, List<Long> pausedTasks,
                            List<GpuInfo> gpuInfo, String gpuError, Integer pendingUpdates) {
        this(runningTasks, killedTasks, cpuPercent, memoryPercent, memoryUsedBytes, memoryTotalBytes, pausedTasks, gpuInfo, gpuError,
                pendingUpdates, null);
    }

    public boolean takesStartsWhenRoom() { return Boolean.TRUE.equals(startsWhenRoom); }

    public List<Long> runningTasksOrEmpty() { return runningTasks == null ? List.of() : runningTasks; }
    public List<Long> pausedTasksOrEmpty() { return pausedTasks == null ? List.of() : pausedTasks; }
    public List<KilledTask> killedTasksOrEmpty() { return killedTasks == null ? List.of() : killedTasks; }
}
