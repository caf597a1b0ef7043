package io.hakuriver.systemd;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.util.Map;
import java.util.Optional;

/**
 * The listening socket systemd passed us (sd_listen_fds(3)), as a plain JDK {@link ServerSocketChannel} that Jetty
 * can adopt:
 * <ul>
 *   <li>{@code StandardInput=socket}: the socket is fd 0 and {@link System#inheritedChannel()} returns it;</li>
 *   <li>the default ({@code LISTEN_FDS=1}, {@code LISTEN_PID=<our pid>}): the socket is fd 3. The JDK has no API for
 *       it, so fd 3 is duplicated onto fd 0 with junixsocket's native dup2 and then taken through
 *       {@link System#inheritedChannel()}; that yields a genuine JDK channel (junixsocket's own channel type would
 *       not work with Jetty's selectors nor report {@code InetSocketAddress}es).</li>
 * </ul>
 * Outside socket activation the result is empty and the daemon binds as configured.
 */
public final class SocketActivation {
    private static final Logger log = LoggerFactory.getLogger(SocketActivation.class);
    /** SD_LISTEN_FDS_START: the first passed descriptor. */
    static final int FIRST_FD = 3;

    private static Optional<ServerSocketChannel> cached;

    private SocketActivation() {}

    /** Computed once: the inherited channel can be taken only once per process. */
    public static synchronized Optional<ServerSocketChannel> listeningChannel() {
        if (cached == null) cached = find(System.getenv(), ProcessHandle.current().pid());
        return cached;
    }

    /** True when systemd passed this process a socket through LISTEN_FDS (without taking it). */
    public static boolean offered() { return Passed.from(System.getenv(), ProcessHandle.current().pid()).count() > 0; }

    /** What the environment says systemd passed us; pure, for tests. */
    record Passed(int count, String names) {
        static Passed from(Map<String, String> env, long pid) {
            String fds = env.get("LISTEN_FDS");
            String forPid = env.get("LISTEN_PID");
            if (fds == null || forPid == null) return new Passed(0, "");
            long target;
            int n;
            try {
                target = Long.parseLong(forPid.trim());
                n = Integer.parseInt(fds.trim());
            } catch (NumberFormatException e) {
                log.warn("Ignoring malformed LISTEN_FDS='{}' / LISTEN_PID='{}'", fds, forPid);
                return new Passed(0, "");
            }
            // The variables are inherited by children: they are ours only when LISTEN_PID names this process.
            if (target != pid || n < 1) return new Passed(0, "");
            return new Passed(n, env.getOrDefault("LISTEN_FDNAMES", ""));
        }
    }

    private static Optional<ServerSocketChannel> find(Map<String, String> env, long pid) {
        Passed passed = Passed.from(env, pid);
        try {
            if (passed.count() > 0) {
                if (passed.count() > 1) {
                    log.warn("systemd passed {} sockets ({}); using only the first (fd {})", passed.count(), passed.names(), FIRST_FD);
                }
                moveToStdin(FIRST_FD);
            }
            Channel ch = System.inheritedChannel();
            if (ch instanceof ServerSocketChannel ssc) {
                log.info("Using the listening socket passed by systemd ({}): {}",
                        passed.count() > 0 ? "LISTEN_FDS, fd " + FIRST_FD : "StandardInput=socket, fd 0", ssc.getLocalAddress());
                return Optional.of(ssc);
            }
            if (passed.count() > 0) {
                throw new IllegalStateException("systemd passed LISTEN_FDS=" + passed.count()
                        + " but fd " + FIRST_FD + " is not a listening TCP socket (inherited channel: " + ch + ")."
                        + " Check ListenStream= in the .socket unit.");
            }
            if (ch != null) log.debug("stdin is a {}, not a listening socket; binding as configured", ch.getClass().getSimpleName());
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot take the socket passed by systemd: " + e.getMessage(), e);
        }
    }

    /**
     * dup2(fd, 0) through junixsocket's native helper (package-private in junixsocket, reached reflectively; the
     * library is on the class path, so no --add-opens is needed). Fails loudly: a socket-activated daemon that
     * silently bound its own port would fight systemd for it.
     */
    private static void moveToStdin(int fd) throws IOException {
        try {
            FileDescriptor src = org.newsclub.net.unix.FileDescriptorCast.unsafeUsing(fd).getFileDescriptor();
            Class<?> nativeSocket = Class.forName("org.newsclub.net.unix.NativeUnixSocket");
            Method duplicate = nativeSocket.getDeclaredMethod("duplicate", FileDescriptor.class, FileDescriptor.class);
            duplicate.setAccessible(true);
            duplicate.invoke(null, src, FileDescriptor.in);
        } catch (ReflectiveOperationException | RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IOException("cannot move fd " + fd + " to fd 0 (" + cause + "); as a workaround add"
                    + " StandardInput=socket and StandardOutput=journal to the service unit", cause);
        }
    }
}
