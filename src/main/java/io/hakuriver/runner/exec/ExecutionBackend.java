package io.hakuriver.runner.exec;

import java.util.Optional;

/**
 * One way of running a task on a node (Nomad's driver contract, trimmed): plain process, transient systemd scope,
 * Docker container. All methods act on the task's whole process tree. Implementations must never build a shell
 * string from task input: argv only.
 */
public interface ExecutionBackend {

    /** Short stable name stored with each task ("process", "systemd", "docker"). */
    String name();

    /** Whether this backend can run tasks on this node right now; the reason when not (shown in runner health). */
    Availability fingerprint();

    /**
     * Starts the task and returns at once; {@link RunningTask#completion()} completes when it ends.
     * A failure to launch completes the future with {@link TaskOutcome#launchFailed} rather than throwing,
     * except for bad input, which throws {@link IllegalArgumentException}.
     */
    RunningTask start(TaskSpec spec) throws Exception;

    /** SIGKILL the whole task (also when paused). Idempotent: an already-finished task is not an error. */
    void kill(RunningTask task) throws Exception;

    /** Freeze the whole task (cgroup freezer, SIGSTOP to every process, docker pause). */
    void pause(RunningTask task) throws Exception;

    /** Undo {@link #pause}. */
    void resume(RunningTask task) throws Exception;

    /**
     * Re-attach to a task started by an earlier Runner process, from its stored handle. Empty when it is gone;
     * the returned task's completion reflects the real end (exit code when the backend can know it).
     */
    Optional<RunningTask> recover(long taskId, String handle) throws Exception;

    /**
     * Tasks of this Runner that the backend finds on the node without a stored handle (e.g. containers labelled
     * hakuriver.node=&lt;runner name&gt;), as task id → handle. Used after a restart that lost the state file.
     */
    default java.util.Map<Long, String> discover(String runnerName) throws Exception { return java.util.Map.of(); }

    /** Called once after the start-up recovery pass ({@link #recover} for every stored handle). */
    default void recovered() { }

    record Availability(boolean available, String reason) {
        public static Availability ok() { return new Availability(true, "ok"); }
        public static Availability no(String reason) { return new Availability(false, reason); }
    }
}
