package io.hakuriver.api;

/** The one spelling of a task's name on a node: systemd unit, container name, log file names. */
public final class TaskNames {
    public static final String PREFIX = "hakuriver-task-";

    private TaskNames() {}

    /** {@code hakuriver-task-<id>}: the Docker container and the stem of the systemd unit. */
    public static String base(long taskId) { return PREFIX + taskId; }

    /** {@code hakuriver-task-<id>.scope}: the transient systemd scope of a bare task. */
    public static String scope(long taskId) { return base(taskId) + ".scope"; }
}
