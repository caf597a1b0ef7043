package io.hakuriver.systemd;

import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * sd_notify(3) for the daemons: READY=1, STATUS=, STOPPING=1, WATCHDOG=1, sent as one datagram each to
 * {@code $NOTIFY_SOCKET} (a path, or {@code @name} in the abstract namespace) through junixsocket, because the JDK
 * has no AF_UNIX datagram sockets. The datagrams come from the JVM itself (the unit's main PID), so the default
 * {@code NotifyAccess=main} suffices. Outside systemd ($NOTIFY_SOCKET unset) every call is a no-op.
 */
public final class SdNotify {
    private static final Logger log = LoggerFactory.getLogger(SdNotify.class);
    private static final SdNotify INSTANCE = new SdNotify(System.getenv(), ProcessHandle.current().pid());

    public static SdNotify get() { return INSTANCE; }

    private final String socket;
    private final long watchdogUsec;
    private ScheduledExecutorService watchdog;
    private volatile boolean warnedSendFailure;

    SdNotify(Map<String, String> env, long pid) {
        String s = env.get("NOTIFY_SOCKET");
        this.socket = s == null || s.isBlank() ? null : s;
        this.watchdogUsec = watchdogInterval(env, pid);
    }

    /** $WATCHDOG_USEC when it is meant for us ($WATCHDOG_PID absent or our pid), else 0 (sd_watchdog_enabled(3)). */
    static long watchdogInterval(Map<String, String> env, long pid) {
        String usec = env.get("WATCHDOG_USEC");
        if (usec == null || usec.isBlank()) return 0;
        String forPid = env.get("WATCHDOG_PID");
        try {
            if (forPid != null && !forPid.isBlank() && Long.parseLong(forPid.trim()) != pid) return 0;
            long v = Long.parseLong(usec.trim());
            return v > 0 ? v : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** True when systemd waits for our notifications (Type=notify or NotifyAccess set). */
    public boolean enabled() { return socket != null; }

    /** The daemon can serve: DB open and routes up (Host), HTTP up and registered or retrying (Runner). */
    public void ready(String status) { send("READY=1\nSTATUS=" + oneLine(status) + "\nMAINPID=" + ProcessHandle.current().pid()); }

    /** Free-form status shown by {@code systemctl status}. */
    public void status(String status) { send("STATUS=" + oneLine(status)); }

    /** Shutting down: systemd shows "deactivating" instead of treating the exit as a crash. */
    public void stopping() {
        send("STOPPING=1\nSTATUS=Shutting down");
        stopWatchdog();
    }

    /**
     * Starts WATCHDOG=1 pings at half of $WATCHDOG_USEC while {@code healthy} returns true; no-op without it.
     * A ping is skipped (and the reason logged) when the check fails or hangs, so systemd restarts a daemon that
     * is alive but no longer doing its work (WatchdogSec= with Restart=on-failure).
     */
    public synchronized void startWatchdog(BooleanSupplier healthy) {
        if (socket == null || watchdogUsec == 0 || watchdog != null) return;
        long periodMicros = Math.max(watchdogUsec / 2, 1000);
        watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sd-watchdog");
            t.setDaemon(true);
            return t;
        });
        watchdog.scheduleAtFixedRate(() -> {
            boolean ok;
            try {
                ok = healthy.getAsBoolean();
            } catch (RuntimeException e) {
                log.warn("Watchdog health check threw {}; not pinging systemd", e.toString());
                ok = false;
            }
            if (ok) send("WATCHDOG=1");
            else log.warn("Watchdog health check failed; withholding WATCHDOG=1 (systemd restarts us after {} ms)",
                    watchdogUsec / 1000);
        }, 0, periodMicros, TimeUnit.MICROSECONDS);
        log.info("systemd watchdog enabled: WatchdogSec={} s, pinging every {} ms", watchdogUsec / 1_000_000.0, periodMicros / 1000);
    }

    private synchronized void stopWatchdog() {
        if (watchdog != null) {
            watchdog.shutdownNow();
            watchdog = null;
        }
    }

    /** Sends one notification datagram; returns false when there is no socket or sending failed (logged once). */
    boolean send(String message) {
        if (socket == null) return false;
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        try (AFUNIXDatagramChannel ch = AFUNIXDatagramChannel.open()) {
            AFUNIXSocketAddress addr = socket.startsWith("@")
                    ? AFUNIXSocketAddress.inAbstractNamespace(socket.substring(1))
                    : AFUNIXSocketAddress.of(Path.of(socket));
            ch.send(ByteBuffer.wrap(bytes), addr);
            return true;
        } catch (IOException | RuntimeException e) {
            if (!warnedSendFailure) {
                warnedSendFailure = true;
                log.warn("Cannot notify systemd at NOTIFY_SOCKET={}: {}", socket, e.toString());
            }
            return false;
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }
}
