package io.hakuriver.runner;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Tasks the Host placed on this node while it was full ({@code when_room}): each starts as soon as the tasks running
 * here leave room for its cores and memory, in the order they came, without a round trip to the Host — which frees
 * the room in its own books when it hears the running task's outcome, always before it hears that the waiting one
 * started (the outcome is queued for delivery first).
 *
 * <p>Counts what the tasks admitted here reserve: every start the Host sent, waiting or not. A task of unknown size
 * (re-attached after a Runner restart) holds back all waiting starts until it ends.
 */
final class WhenRoom {
    /** One start: its task, what it reserves, the bytes its request holds, and the launch to queue. */
    record Start(long taskId, int cores, long memory, long requestBytes, Runnable launch) {}

    /** At most this many starts wait here (the Host sends about a node's worth; more means something is off). */
    static final int MAX_WAITING = 256;

    private final int totalCores;
    private final long totalMemory;
    private final ArrayDeque<Start> waiting = new ArrayDeque<>();
    private final Map<Long, long[]> admitted = new HashMap<>();
    private int unknown;
    private long cores, memory;

    WhenRoom(int totalCores, long totalMemory) {
        this.totalCores = totalCores;
        this.totalMemory = totalMemory;
    }

    synchronized boolean hasRoom() { return waiting.size() < MAX_WAITING; }

    synchronized void add(Start s) { waiting.add(s); }

    /** A start that goes ahead now whatever the room (the Host reserved it): it counts from now on. */
    synchronized void admit(Start s) {
        if (admitted.put(s.taskId(), new long[] {s.cores(), s.memory()}) == null) { cores += s.cores(); memory += s.memory(); }
    }

    /** A running task whose size is not known here (re-attached): waiting starts wait for it to end. */
    synchronized void admitUnknown(long taskId) {
        if (admitted.put(taskId, null) == null) unknown++;
    }

    /** The task ended or never started; true when it was counted (its room may now take a waiting start). */
    synchronized boolean release(long taskId) {
        if (!admitted.containsKey(taskId)) return false;
        long[] r = admitted.remove(taskId);
        if (r == null) unknown--;
        else { cores -= r[0]; memory -= r[1]; }
        return true;
    }

    /** Takes a waiting start out (killed before it started); false when it is not waiting. */
    synchronized boolean remove(long taskId) {
        for (Iterator<Start> it = waiting.iterator(); it.hasNext(); ) {
            if (it.next().taskId() == taskId) { it.remove(); return true; }
        }
        return false;
    }

    /**
     * Hands the waiting starts that fit now to {@code queue}, first come first; stops at the first that does not fit
     * (no overtaking, so this node starts them in the order the Host placed them) or that the queue refuses.
     */
    synchronized void startWhatFits(Predicate<Start> queue) {
        while (!waiting.isEmpty() && unknown == 0) {
            Start s = waiting.peek();
            if (s.cores() > 0 && cores + s.cores() > totalCores) return;
            if (s.memory() > 0 && totalMemory > 0 && memory + s.memory() > totalMemory) return;
            admit(s);
            if (!queue.test(s)) { release(s.taskId()); return; }
            waiting.poll();
        }
    }

    synchronized int waitingCount() { return waiting.size(); }
}
