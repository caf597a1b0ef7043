package io.hakuriver.api;

import io.hakuriver.util.Times;

import java.time.Instant;
import java.util.List;

/**
 * POST /update (runner → host), and each element of our POST /updates. task_id is a JSON integer; timestamps are
 * ISO-8601, with or without offset. Our Runner sends naive local time, as the original Runner does: a v0.1 Host
 * stores an offset it is sent and then cannot read it back.
 */
public record UpdateRequest(Long taskId, TaskStatus status, Integer exitCode, String message,
                            String startedAt, String completedAt) {
    public UpdateRequest {
        Problems p = new Problems();
        p.required("task_id", taskId);
        p.range("task_id", taskId, 1, Long.MAX_VALUE);
        p.required("status", status);
        timestamp(p, "started_at", startedAt);
        timestamp(p, "completed_at", completedAt);
        p.throwIfAny();
    }

    private static void timestamp(Problems p, String field, String value) {
        try { Times.parse(value); }
        catch (IllegalArgumentException e) { p.add(field, field + " must be an ISO-8601 time like 2026-11-26T05:08:47.456122 (got '" + value + "')", "datetime_parsing"); }
    }

    public Instant started() { return Times.parse(startedAt); }
    public Instant completed() { return Times.parse(completedAt); }

    /** POST /updates (ours): several updates in order, answered by {@link UpdateResult.All}. */
    public record Batch(List<UpdateRequest> updates) {}
}
