package io.hakuriver.api;

/** POST /kill, /pause, /resume (host → runner). unit_name is informative; the runner knows its tasks. */
public record TaskControlRequest(long taskId, String unitName) {}
