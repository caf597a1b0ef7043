package io.hakuriver.api;

/** HTTP headers of our own on the wire; the original ignores them. */
public final class WireHeaders {
    private WireHeaders() {}

    /**
     * The sending Runner's name on every Runner → Host request, so the Host can tell a report from the node that runs
     * a task from one from a copy it superseded (a retried attempt that was thought lost).
     */
    public static final String RUNNER = "X-HakuRiver-Runner";

    /** A Host's role on every answer when two Hosts share a PostgreSQL store: "leader" or "standby". */
    public static final String ROLE = "X-HakuRiver-Role";
}
