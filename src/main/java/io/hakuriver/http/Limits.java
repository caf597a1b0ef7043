package io.hakuriver.http;

/** Request size limits shared by the Host and the Runner, so both refuse the same requests with 413. */
public final class Limits {
    private Limits() {}

    /** Largest request body any Host endpoint reads (a /submit of a large sweep is the biggest legitimate one). */
    public static final long MAX_BODY_BYTES = 16L * 1024 * 1024;

    /**
     * Largest body of one task's request to a Runner (/run and its control calls). Linux caps a process's argv plus
     * environment at about 2 MiB (a quarter of the 8 MiB stack limit), so a larger task could never start; the
     * bound keeps one request from needing more heap than a small Runner has. A Host should refuse at submission a
     * task whose /run body would exceed it.
     */
    public static final long MAX_TASK_BODY_BYTES = 4L * 1024 * 1024;
}
