package io.hakuriver.systemd;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** Real AF_UNIX datagrams: a socket stands in for systemd's notify socket and receives what SdNotify sends. */
class SdNotifyTest {
    @TempDir Path dir;
    AFUNIXDatagramChannel receiver;

    @AfterEach
    void close() throws Exception { if (receiver != null) receiver.close(); }

    private String bind(AFUNIXSocketAddress addr) throws Exception {
        receiver = AFUNIXDatagramChannel.open();
        receiver.bind(addr);
        receiver.configureBlocking(true);
        receiver.socket().setSoTimeout(3000);
        return null;
    }

    private String receive() throws Exception {
        ByteBuffer buf = ByteBuffer.allocate(4096);
        receiver.receive(buf);
        buf.flip();
        return StandardCharsets.UTF_8.decode(buf).toString();
    }

    @Test
    void sendsReadyStatusAndStoppingToAPathSocket() throws Exception {
        Path sock = dir.resolve("notify");
        bind(AFUNIXSocketAddress.of(sock));
        SdNotify n = new SdNotify(Map.of("NOTIFY_SOCKET", sock.toString()), 42);
        assertThat(n.enabled()).isTrue();
        n.ready("Serving on port 8000\nsecond line");
        assertThat(receive()).isEqualTo("READY=1\nSTATUS=Serving on port 8000 second line\nMAINPID=" + ProcessHandle.current().pid());
        n.status("Registered");
        assertThat(receive()).isEqualTo("STATUS=Registered");
        n.stopping();
        assertThat(receive()).isEqualTo("STOPPING=1\nSTATUS=Shutting down");
    }

    @Test
    void abstractNamespaceSocket() throws Exception {
        String name = "hakuriver-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        bind(AFUNIXSocketAddress.inAbstractNamespace(name));
        new SdNotify(Map.of("NOTIFY_SOCKET", "@" + name), 1).status("x");
        assertThat(receive()).isEqualTo("STATUS=x");
    }

    @Test
    void watchdogPingsOnlyWhileHealthy() throws Exception {
        Path sock = dir.resolve("wd");
        bind(AFUNIXSocketAddress.of(sock));
        long pid = ProcessHandle.current().pid();
        SdNotify n = new SdNotify(Map.of("NOTIFY_SOCKET", sock.toString(), "WATCHDOG_USEC", "200000", "WATCHDOG_PID", Long.toString(pid)), pid);
        AtomicBoolean healthy = new AtomicBoolean(true);
        n.startWatchdog(healthy::get);
        List<String> got = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < 3; i++) got.add(receive());
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(got).containsOnly("WATCHDOG=1");
        assertThat(took).isBetween(Duration.ofMillis(150), Duration.ofMillis(2000)); // every 100 ms, first at once
        healthy.set(false);
        Thread.sleep(150);
        while (true) { // drain pings sent before the flip
            receiver.configureBlocking(false);
            if (receiver.receive(ByteBuffer.allocate(64)) == null) break;
        }
        Thread.sleep(500);
        assertThat(receiver.receive(ByteBuffer.allocate(64))).as("no ping while unhealthy").isNull();
        n.stopping();
    }

    @Test
    void noOpOutsideSystemdAndWatchdogForAnotherPidIsIgnored() {
        SdNotify off = new SdNotify(Map.of(), 1);
        assertThat(off.enabled()).isFalse();
        assertThat(off.send("READY=1")).isFalse();
        off.startWatchdog(() -> true); // must not throw or start anything
        assertThat(SdNotify.watchdogInterval(Map.of("WATCHDOG_USEC", "5000000", "WATCHDOG_PID", "7"), 8)).isZero();
        assertThat(SdNotify.watchdogInterval(Map.of("WATCHDOG_USEC", "5000000"), 8)).isEqualTo(5_000_000);
        assertThat(SdNotify.watchdogInterval(Map.of("WATCHDOG_USEC", "junk"), 8)).isZero();
    }

    @Test
    void unreachableSocketIsReportedNotThrown() {
        SdNotify n = new SdNotify(Map.of("NOTIFY_SOCKET", dir.resolve("missing").toString()), 1);
        assertThat(n.send("READY=1")).isFalse();
    }
}
