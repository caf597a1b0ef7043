package io.hakuriver.host;

import io.hakuriver.api.TaskStatus;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static io.hakuriver.api.TaskStatus.*;

/**
 * The explicit table of legal task state changes. Anything not listed is rejected, so a late "completed" can never
 * overwrite "killed" (defect C2 of the original). "lost" is final for scheduling but a Runner that reappears may
 * still report the real outcome, or that the task is in fact still running.
 */
public final class TaskTransitions {
    private static final Map<TaskStatus, Set<TaskStatus>> ALLOWED = new EnumMap<>(TaskStatus.class);

    static {
        // pending -> completed/failed/killed_oom: a Runner reports the outcome of a start whose answer the Host never
        // got (it had queued the task again); the outcome stands, so the task is not run a second time
        ALLOWED.put(PENDING, EnumSet.of(ASSIGNING, KILLED, FAILED, COMPLETED, KILLED_OOM));
        // assigning -> pending: the runner could not take the start (busy, restarting, gone); the task queues again
        ALLOWED.put(ASSIGNING, EnumSet.of(PENDING, RUNNING, PAUSED, COMPLETED, FAILED, KILLED, KILLED_OOM, LOST));
        ALLOWED.put(RUNNING, EnumSet.of(PAUSED, COMPLETED, FAILED, KILLED, KILLED_OOM, LOST));
        ALLOWED.put(PAUSED, EnumSet.of(RUNNING, COMPLETED, FAILED, KILLED, KILLED_OOM, LOST));
        ALLOWED.put(LOST, EnumSet.of(RUNNING, PAUSED, COMPLETED, FAILED, KILLED_OOM, KILLED));
        ALLOWED.put(COMPLETED, EnumSet.noneOf(TaskStatus.class));
        ALLOWED.put(FAILED, EnumSet.noneOf(TaskStatus.class));
        ALLOWED.put(KILLED, EnumSet.noneOf(TaskStatus.class));
        ALLOWED.put(KILLED_OOM, EnumSet.noneOf(TaskStatus.class));
    }

    private TaskTransitions() {}

    public static boolean allowed(TaskStatus from, TaskStatus to) {
        return from == to || ALLOWED.get(from).contains(to);
    }

    /** States an attempt may be in when the Host queues the task again as its next attempt (--retries). */
    private static final Set<TaskStatus> NEXT_ATTEMPT_FROM = EnumSet.of(PENDING, ASSIGNING, RUNNING, PAUSED, LOST);

    /**
     * Back to pending as the next attempt: only the Host decides this (a failed attempt with retries left, or a lost
     * one past its grace period), never a Runner's report, so it is a separate door from {@link #allowed}.
     */
    public static boolean allowedAsNextAttempt(TaskStatus from) { return NEXT_ATTEMPT_FROM.contains(from); }
}
