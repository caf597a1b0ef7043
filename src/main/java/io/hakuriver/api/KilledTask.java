package io.hakuriver.api;

/** An entry of a heartbeat's killed_tasks: reason "oom" → killed_oom, anything else → failed. Checked by its heartbeat. */
public record KilledTask(Long taskId, String reason) {
    public KilledTask { reason = reason == null ? "" : reason; }
}
