package io.hakuriver.runner;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Task starts waiting for one of a few start threads. Admission is bounded by count and by the size of the
 * requests behind them, so a burst of /run calls costs a fixed amount of memory: a full queue refuses (the Runner
 * answers 429 and the Host retries later) instead of growing.
 */
final class StartQueue {
    private final ThreadPoolExecutor pool;
    private final int maxTasks;
    private final long maxBytes;
    private int tasks;
    private long bytes;
    private boolean closed;

    /**
     * @param threads  start threads (a start forks a process: more threads than cores buys nothing)
     * @param maxTasks starts admitted at once (queued or starting)
     * @param maxBytes request bytes admitted at once; a single start is always admitted into an empty queue
     */
    StartQueue(int threads, int maxTasks, long maxBytes) {
        this.maxTasks = maxTasks;
        this.maxBytes = maxBytes;
        AtomicInteger n = new AtomicInteger();
        // the executor's own queue is unbounded because offer() bounds what enters it
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                r -> Fatal.thread(r, "task-start-" + n.incrementAndGet()));
    }

    /** Queues the start; false when the queue is full or closed (nothing was queued). */
    synchronized boolean offer(long weight, Runnable start) {
        if (!hasRoom(weight)) return false;
        tasks++;
        bytes += weight;
        pool.execute(Fatal.guard("task start", () -> {
            try { start.run(); } finally { release(weight); }
        }));
        return true;
    }

    /** A cheap early answer (offer() decides): would a start of this weight be admitted now? */
    synchronized boolean hasRoom(long weight) {
        return !closed && tasks < maxTasks && (tasks == 0 || bytes + weight <= maxBytes);
    }

    private synchronized void release(long weight) { tasks--; bytes -= weight; }

    int capacity() { return maxTasks; }

    /**
     * Refuses new starts and drops the queued ones: their tasks stay STARTING in the task table, and the next Runner
     * process reports that they did not start.
     */
    void close() {
        synchronized (this) { closed = true; }
        pool.shutdownNow();
    }
}
