package io.hakuriver.api;

/** An entry of a heartbeat's killed_tasks: reason "oom" → killed_oom, anything else → failed. */
public record KilledTask(long taskId, String reason) {}
