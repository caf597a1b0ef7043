package io.hakuriver.api;

/**
 * Ranges of the numbers the wire carries, checked where a body is read (Host and Runner alike) so that nothing is
 * truncated to an int or wraps around later: a value outside is a 422 naming the field.
 */
public final class Bounds {
    /** Cores of one node or request; far above any machine, far below int overflow. */
    public static final long MAX_CORES = 100_000;
    /** A NUMA node id (Linux allows at most 1024 nodes). */
    public static final long MAX_NUMA_ID = 4096;
    /** Memory of one node or request: 1 EiB, so sums over a few thousand tasks cannot overflow a long. */
    public static final long MAX_MEMORY_BYTES = 1L << 60;
    /** Tasks one node runs at once ([runner] max_tasks). */
    public static final long MAX_TASKS = 100_000;
    /** Most GPUs one node may report: more than any machine has, few enough to bound the Host's memory per node. */
    public static final int MAX_GPUS_PER_NODE = 256;

    private Bounds() {}
}
