package io.hakuriver.runner.exec;

import java.util.concurrent.CompletableFuture;

/**
 * A started (or recovered) task. {@code handle} is the backend's persistent reference (a PID with its start time,
 * a unit name, a container name) that the Runner stores on disk so that {@link ExecutionBackend#recover} can find
 * the task again after a Runner restart.
 */
public record RunningTask(long taskId, String backend, String handle, CompletableFuture<TaskOutcome> completion) {}
