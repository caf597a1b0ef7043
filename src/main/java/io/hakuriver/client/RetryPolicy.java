package io.hakuriver.client;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How a waiting command (--wait, batch/sweep --wait, logs --follow) rides out a Host that is slow, restarting or
 * answering 5xx: retry with back-off (0.5 s doubling to 10 s) and give up only after {@code giveUpAfter} of
 * continuous failure. Pure bookkeeping (the clock is injected), so the policy is unit-tested without waiting.
 */
public final class RetryPolicy {
    public static final Duration DEFAULT_GIVE_UP = Duration.ofMinutes(10);
    static final long FIRST_DELAY_MS = 500, MAX_DELAY_MS = 10_000;

    private final long giveUpMs;
    private final LongSupplier clock;
    private long failingSince = -1;
    private long delay = FIRST_DELAY_MS;
    private int failures;

    public RetryPolicy(Duration giveUpAfter, LongSupplier clockMillis) {
        this.giveUpMs = giveUpAfter.toMillis();
        this.clock = clockMillis;
    }

    public static RetryPolicy standard() { return new RetryPolicy(DEFAULT_GIVE_UP, System::currentTimeMillis); }

    /** A request failed: returns how long to wait before the next try, or -1 when it is time to give up. */
    public long failed() {
        long now = clock.getAsLong();
        if (failingSince < 0) failingSince = now;
        failures++;
        if (now - failingSince >= giveUpMs) return -1;
        long d = delay;
        delay = Math.min(delay * 2, MAX_DELAY_MS);
        return Math.min(d, Math.max(0, giveUpMs - (now - failingSince)));
    }

    /** A request succeeded: the next failure starts a new streak. Returns whether a streak just ended. */
    public boolean succeeded() {
        boolean was = failingSince >= 0;
        failingSince = -1;
        delay = FIRST_DELAY_MS;
        failures = 0;
        return was;
    }

    /** How long the current streak of failures has lasted (0 when none). */
    public long failingForMillis() { return failingSince < 0 ? 0 : clock.getAsLong() - failingSince; }

    public int failures() { return failures; }

    public Duration giveUpAfter() { return Duration.ofMillis(giveUpMs); }
}
