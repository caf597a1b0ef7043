package io.hakuriver.host;

import io.hakuriver.store.TaskRecord;
import io.hakuriver.store.TaskStore;
import io.hakuriver.util.Times;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON bodies of web hook notifications: a task that ended, or a whole batch (a sweep) that did. */
final class TaskNotices {
    private TaskNotices() {}

    static Map<String, Object> taskEnded(TaskRecord t, String host) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", "task_ended");
        m.put("task_id", String.valueOf(t.taskId));
        m.put("batch_id", t.batchId == null ? null : String.valueOf(t.batchId));
        m.put("status", t.status.wire());
        m.put("exit_code", t.exitCode);
        m.put("error_message", t.errorMessage);
        m.put("assigned_node", t.assignedNode);
        m.put("attempt", t.attempt);
        m.put("command", t.command);
        m.put("arguments", t.arguments);
        m.put("submitted_at", Times.format(t.submittedAt));
        m.put("started_at", Times.format(t.startedAt));
        m.put("completed_at", Times.format(t.completedAt));
        m.put("host", host);
        return m;
    }

    static Map<String, Object> batchEnded(long batch, String command, TaskStore tasks, Instant now, String host) {
        Map<String, Long> counts = tasks.batchCounts(batch);
        List<Map<String, Object>> bad = new ArrayList<>();
        for (TaskRecord t : tasks.notCompleted(batch, 100)) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("task_id", String.valueOf(t.taskId));
            e.put("status", t.status.wire());
            e.put("exit_code", t.exitCode);
            e.put("arguments", t.arguments);
            bad.add(e);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", "batch_ended");
        m.put("batch_id", String.valueOf(batch));
        m.put("command", command);
        m.put("total", counts.values().stream().mapToLong(Long::longValue).sum());
        m.put("counts", counts);
        m.put("all_completed", bad.isEmpty());
        m.put("not_completed", bad); // the first 100
        m.put("completed_at", Times.format(now));
        m.put("host", host);
        return m;
    }
}
