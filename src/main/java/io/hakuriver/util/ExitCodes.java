package io.hakuriver.util;

/** Exit codes shared by every command. */
public final class ExitCodes {
    public static final int OK = 0;
    /** The task failed, the remote side refused, or the Host/Runner could not be reached. */
    public static final int FAILURE = 1;
    /** Bad usage or configuration: fix the command line or the config file. */
    public static final int USAGE = 2;

    private ExitCodes() {}
}
