package io.hakuriver.host;

import io.hakuriver.store.TaskRecord;

/**
 * A queued task's place: higher priority first, then the smaller (older) id. Ids are time-ordered, so within one
 * priority the queue stays FIFO, and a task that goes back to the queue takes its old place again.
 */
record QueueKey(int priority, long id) implements Comparable<QueueKey> {
    static QueueKey of(TaskRecord t) { return new QueueKey(t.priority, t.taskId); }

    @Override public int compareTo(QueueKey o) {
        int c = Integer.compare(o.priority, priority);
        return c != 0 ? c : Long.compare(id, o.id);
    }
}
