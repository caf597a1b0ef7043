package io.hakuriver.api;

/** POST /update (runner → host). task_id is a JSON integer; timestamps ISO-8601 with or without offset. */
public record UpdateRequest(long taskId, String status, Integer exitCode, String message,
                            String startedAt, String completedAt) {}
