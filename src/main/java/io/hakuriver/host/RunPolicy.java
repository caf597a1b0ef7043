package io.hakuriver.host;

import java.util.List;

/**
 * How submitted tasks are run beyond their resources: queue priority (higher first, FIFO within one priority),
 * dependencies ({@code after}: task or batch ids that must end first; with {@code afterAny} whatever their outcome,
 * otherwise they must all complete) and retries (further attempts after a failed or lost one, the first after
 * {@code retryDelay} seconds, doubling; {@code retryOn}: only these exit codes, null = any non-zero) and who is told
 * when they end ({@code notifyUrl}, besides the Host-wide web hook). Kept apart
 * from {@link HostCore.NewTasks} so the wire fields of a submission and the work-flow options grow independently.
 */
public record RunPolicy(int priority, List<Long> after, boolean afterAny, int retries, int retryDelay, List<Integer> retryOn,
                        String notifyUrl) {
    public static final RunPolicy NONE = new RunPolicy(0, List.of(), false);
    /** Range of --priority; wide enough for any scheme, small enough to print. */
    public static final int MIN_PRIORITY = -1000, MAX_PRIORITY = 1000;
    /** Most dependency ids one submission may name (a batch id counts once, whatever its size). */
    public static final int MAX_DEPENDENCIES = 1000;
    public static final int MAX_RETRIES = 100;
    /** --retry-delay when --retries is given without it, in seconds. */
    public static final int DEFAULT_RETRY_DELAY = 10;

    public RunPolicy {
        after = after == null ? List.of() : List.copyOf(after);
        retryOn = retryOn == null || retryOn.isEmpty() ? null : List.copyOf(retryOn);
    }

    public RunPolicy(int priority, List<Long> after, boolean afterAny) { this(priority, after, afterAny, 0, 0, null, null); }

    public RunPolicy(int priority) { this(priority, List.of(), false); }

    public static RunPolicy after(List<Long> ids) { return new RunPolicy(0, ids, false); }
    public static RunPolicy afterAny(List<Long> ids) { return new RunPolicy(0, ids, true); }
    public static RunPolicy retries(int n, int delaySeconds, List<Integer> on) { return new RunPolicy(0, List.of(), false, n, delaySeconds, on, null); }
    public static RunPolicy notifying(String url) { return new RunPolicy(0, List.of(), false, 0, 0, null, url); }
}
