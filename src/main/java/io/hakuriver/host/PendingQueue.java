package io.hakuriver.host;

import io.hakuriver.store.TaskRecord;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;

/**
 * The tasks ready to be placed, in dispatch order (higher priority first, then oldest first), and how many of them
 * ask for each {@link Demand}. A scheduling walk that found every demand in the queue unplaceable stops there: with
 * 20,000 one-core tasks queued and the cores taken, a completion then costs what it places, not the queue's length.
 */
final class PendingQueue {
    /**
     * Everything that decides whether a task fits somewhere now. Within one scheduling round a demand that did not
     * fit cannot fit later in the same round: placing tasks only takes room.
     */
    record Demand(int cores, long memory, Integer numa, String targetNode, List<Integer> gpuIds, int gpuCount,
                  boolean gpuShare, Long limitedBatch) {
        static Demand of(TaskRecord t) {
            return new Demand(t.requiredCores, t.memoryOrZero(), t.targetNumaNodeId, t.targetNode, t.requiredGpus,
                    t.gpuCount, t.gpuShare, t.maxRunning != null ? t.batchId : null);
        }
    }

    private record Entry(TaskRecord task, Demand demand) {}

    private final TreeMap<QueueKey, Entry> byOrder = new TreeMap<>();
    private final Map<Demand, Integer> demands = new HashMap<>();

    void add(TaskRecord t) {
        Demand d = Demand.of(t);
        Entry old = byOrder.put(QueueKey.of(t), new Entry(t, d));
        if (old != null) drop(old.demand());
        demands.merge(d, 1, Integer::sum);
    }

    /** Takes t out (its key must be the one it was added with: change its priority only after this). */
    boolean remove(TaskRecord t) {
        Entry e = byOrder.remove(QueueKey.of(t));
        if (e == null) return false;
        drop(e.demand());
        return true;
    }

    private void drop(Demand d) { demands.computeIfPresent(d, (k, n) -> n == 1 ? null : n - 1); }

    int size() { return byOrder.size(); }

    /** Whether some queued task asks for d. */
    boolean has(Demand d) { return demands.containsKey(d); }

    /** How many different demands the queued tasks make. */
    int demandCount() { return demands.size(); }

    /** Queued tasks before t in dispatch order. */
    int ahead(TaskRecord t) { return byOrder.headMap(QueueKey.of(t)).size(); }

    /** Every queued task, in no promised order (for counting). */
    Iterable<TaskRecord> tasks() {
        return () -> byOrder.values().stream().map(Entry::task).iterator();
    }

    /**
     * The queue in dispatch order, walked key by key instead of copied, so a walk that stops early costs what it saw;
     * tasks may leave the queue while the walk goes on (a task that left yields null, which the caller skips).
     */
    Iterable<TaskRecord> inOrder() {
        return () -> new Iterator<>() {
            QueueKey next = byOrder.isEmpty() ? null : byOrder.firstKey();
            @Override public boolean hasNext() { return next != null; }
            @Override public TaskRecord next() {
                if (next == null) throw new NoSuchElementException();
                Entry e = byOrder.get(next);
                next = byOrder.higherKey(next);
                return e == null ? null : e.task();
            }
        };
    }
}
