package io.hakuriver.store;

import java.time.Instant;

/** One ended attempt of a retried task: where it ran and how it ended (its logs are kept beside the task's). */
public record AttemptRecord(long taskId, int attempt, String node, String status, Integer exitCode, String errorMessage,
                            Instant startedAt, Instant completedAt) {}
