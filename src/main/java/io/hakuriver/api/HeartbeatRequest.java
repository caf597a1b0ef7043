package io.hakuriver.api;

import java.util.List;

/**
 * PUT /heartbeat/{hostname}. paused_tasks is our addition (old hosts ignore it) so that paused tasks take part in
 * reconciliation; runner_url lets a host notice a runner that moved.
 */
public record HeartbeatRequest(List<Long> runningTasks, List<KilledTask> killedTasks, Double cpuPercent,
                               Double memoryPercent, Long memoryUsedBytes, Long memoryTotalBytes,
                               List<Long> pausedTasks, String runnerUrl) {
    public List<Long> runningTasksOrEmpty() { return runningTasks == null ? List.of() : runningTasks; }
    public List<Long> pausedTasksOrEmpty() { return pausedTasks == null ? List.of() : pausedTasks; }
    public List<KilledTask> killedTasksOrEmpty() { return killedTasks == null ? List.of() : killedTasks; }
}
