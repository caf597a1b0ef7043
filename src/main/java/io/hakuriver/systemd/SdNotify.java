package io.hakuriver.systemd;

import java.util.function.BooleanSupplier;

/**
 * sd_notify(3) for the daemons: READY=1, STATUS=, STOPPING=1, WATCHDOG=1. Outside systemd ($NOTIFY_SOCKET unset)
 * every call is a no-op. PLACEHOLDER: owned by the systemd work; signatures are the contract the daemons use.
 */
public final class SdNotify {
    private static final SdNotify INSTANCE = new SdNotify();
    public static SdNotify get() { return INSTANCE; }

    public void ready(String status) {}
    public void status(String status) {}
    public void stopping() {}
    /** Starts WATCHDOG=1 pings at half of $WATCHDOG_USEC while {@code healthy} returns true; no-op without it. */
    public void startWatchdog(BooleanSupplier healthy) {}
}
