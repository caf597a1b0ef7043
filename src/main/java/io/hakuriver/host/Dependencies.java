package io.hakuriver.host;

import io.hakuriver.store.TaskRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The dependency graph's live part, kept incrementally so an ending task costs what depends on it, never a scan:
 * which waiting tasks wait on each unit (a task id, or a batch id meaning every element of that batch), and how many
 * elements of each batch have not ended yet. Dependencies always name tasks that already exist, so the graph only
 * grows towards new tasks and cannot form a cycle. Callers hold the state lock.
 */
final class Dependencies {
    /** Unit id → ids of tasks waiting on it. Entries of tasks killed while waiting are skipped when the unit ends. */
    private final Map<Long, List<Long>> waiters = new HashMap<>();
    /** Batch id → elements that have not ended (ended = a final status, lost included). */
    private final Map<Long, Integer> openInBatch = new HashMap<>();

    /** A task of a batch is (again) not ended. */
    void opened(TaskRecord t) {
        if (t.batchId != null) openInBatch.merge(t.batchId, 1, Integer::sum);
    }

    /** A task ended; returns whether it was the last open element of its batch. */
    boolean ended(TaskRecord t) {
        if (t.batchId == null) return false;
        Integer left = openInBatch.computeIfPresent(t.batchId, (k, v) -> v > 1 ? v - 1 : null);
        return left == null;
    }

    /** Whether a batch still has elements that have not ended. */
    boolean batchOpen(long batchId) { return openInBatch.containsKey(batchId); }

    void await(long unit, long waiter) { waiters.computeIfAbsent(unit, k -> new ArrayList<>(1)).add(waiter); }

    /** The tasks that waited on a unit that just ended (null when none); the unit is forgotten. */
    List<Long> release(long unit) { return waiters.remove(unit); }
}
