package io.hakuriver.http;

/**
 * Ranges of the numbers the wire carries, checked at the edge (Host and Runner alike) so that nothing is
 * truncated to an int or wraps around later: a value outside is a 422 naming the field.
 */
public final class Ranges {
    /** Cores of one node or request; far above any machine, far below int overflow. */
    public static final long MAX_CORES = 100_000;
    /** A NUMA node id (Linux allows at most 1024 nodes). */
    public static final long MAX_NUMA_ID = 4096;
    /** Memory of one node or request: 1 EiB, so sums over a few thousand tasks cannot overflow a long. */
    public static final long MAX_MEMORY_BYTES = 1L << 60;

    private Ranges() {}

    /** Adds a 422 entry to {@code b} when {@code v} is set and outside [min, max]. */
    public static void check(Body b, String field, Long v, long min, long max) {
        if (v != null && (v < min || v > max)) {
            b.err(field, field + " must be between " + min + " and " + max + " (got " + v + ")", "value_error");
        }
    }
}
