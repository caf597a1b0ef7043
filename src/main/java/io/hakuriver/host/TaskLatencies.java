package io.hakuriver.host;

import io.hakuriver.api.TaskStatus;
import io.hakuriver.store.TaskRecord;

/** The latency histograms of /metrics, fed by task transitions (callers hold the state lock). */
final class TaskLatencies {
    private static final double[] LONG_BUCKETS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14400, 86400};
    private final LatencyHistogram queueWait = new LatencyHistogram("hakuriver_task_queue_wait_seconds",
            "Submission until the Host placed the task on a node (dependency waits included).", LONG_BUCKETS);
    private final LatencyHistogram dispatch = new LatencyHistogram("hakuriver_task_dispatch_latency_seconds",
            "Placement on a node until its Runner first reported the task (running, or its outcome if it ended first).",
            0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60);
    private final LatencyHistogram endToEnd = new LatencyHistogram("hakuriver_task_end_to_end_seconds",
            "Submission until the task reached a final state, whatever the outcome.", LONG_BUCKETS);

    void observe(TaskRecord t, TaskStatus from, TaskStatus to, long nowMillis) {
        if (from == TaskStatus.PENDING && to == TaskStatus.ASSIGNING) {
            t.placedAtMillis = nowMillis;
            if (t.submittedAt != null) queueWait.observe((nowMillis - t.submittedAt.toEpochMilli()) / 1000.0);
        } else if (from == TaskStatus.ASSIGNING && t.placedAtMillis > 0 && to != TaskStatus.PENDING && to != TaskStatus.KILLED
                && to != TaskStatus.LOST) {
            // the Runner's first report: running, or already the outcome of a task that ended before it said so
            dispatch.observe((nowMillis - t.placedAtMillis) / 1000.0);
        }
        if (!from.isFinal() && to.isFinal() && t.submittedAt != null) endToEnd.observe((nowMillis - t.submittedAt.toEpochMilli()) / 1000.0);
    }

    void render(MetricsText out) {
        queueWait.render(out);
        dispatch.render(out);
        endToEnd.render(out);
    }
}
