package io.hakuriver.api;

/**
 * POST /kill, /pause, /resume (host → runner). unit_name is informative; the runner knows its tasks. A task_id of 0
 * or none means "missing" to the Runner (a 400, as the original answers), so only negative ones are refused here.
 */
public record TaskControlRequest(Long taskId, String unitName) {
    public TaskControlRequest {
        Problems p = new Problems();
        p.range("task_id", taskId, 0, Long.MAX_VALUE);
        p.throwIfAny();
    }
}
