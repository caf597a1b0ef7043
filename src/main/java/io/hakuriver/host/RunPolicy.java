package io.hakuriver.host;

/**
 * How submitted tasks are run beyond their resources: queue priority (higher first, FIFO within one priority).
 * Kept apart from {@link HostCore.NewTasks} so the wire fields of a submission and the work-flow options grow
 * independently.
 */
public record RunPolicy(int priority) {
    public static final RunPolicy NONE = new RunPolicy(0);
    /** Range of --priority; wide enough for any scheme, small enough to print. */
    public static final int MIN_PRIORITY = -1000, MAX_PRIORITY = 1000;
}
