package io.hakuriver.host;

import io.hakuriver.store.TaskRecord;

/** When a failed attempt runs again, and after how long: --retries, --retry-on, --retry-delay (pure rules). */
final class RetryRules {
    private RetryRules() {}

    /** Longest back-off between two attempts, however many there were. */
    static final long MAX_BACKOFF_SECONDS = 3600;

    /** Whether an attempt that ended as failed with {@code exit} may run again. */
    static boolean retryAllowed(TaskRecord t, Integer exit) {
        if (t.attempt > t.retries || exit == null || exit <= 0) return false; // negative: killed or refused, not an exit
        if (t.retryOn == null) return true;
        for (int c : t.retryOn) if (c == exit) return true;
        return false;
    }

    /** Seconds before the attempt after {@code failedAttempt}: --retry-delay, doubling per attempt, at most an hour. */
    static long backoffSeconds(TaskRecord t, int failedAttempt) {
        long d = t.retryDelay;
        for (int i = 1; i < failedAttempt && d < MAX_BACKOFF_SECONDS; i++) d *= 2;
        return Math.min(d, MAX_BACKOFF_SECONDS);
    }
}
