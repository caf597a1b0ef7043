package io.hakuriver.systemd;

import io.hakuriver.testsupport.Env;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * fd-3 socket activation for real: systemd-socket-activate (from the systemd package; systemd need not be PID 1)
 * binds a port and execs a JVM with LISTEN_FDS=1 / LISTEN_PID; the JVM serves HTTP on it through Jetty.
 */
class SocketActivationTest {

    @Test
    void environmentIsOursOnlyWhenListenPidMatches() {
        assertThat(SocketActivation.Passed.from(Map.of("LISTEN_FDS", "1", "LISTEN_PID", "10"), 10).count()).isEqualTo(1);
        assertThat(SocketActivation.Passed.from(Map.of("LISTEN_FDS", "1", "LISTEN_PID", "11"), 10).count()).isZero();
        assertThat(SocketActivation.Passed.from(Map.of("LISTEN_FDS", "x", "LISTEN_PID", "10"), 10).count()).isZero();
        assertThat(SocketActivation.Passed.from(Map.of(), 10).count()).isZero();
    }

    @Test
    void notActivatedMeansEmpty() {
        // Surefire's JVM gets no socket: the daemons then bind as configured.
        assertThat(SocketActivation.listeningChannel()).isEmpty();
    }

    @Test
    void jettyServesOnTheSocketSystemdPassedAsFd3() throws Exception {
        Path tool = Path.of("/usr/bin/systemd-socket-activate");
        Env.require(Files.isExecutable(tool), "systemd-socket-activate (apt-get install systemd)");
        int port;
        try (ServerSocket s = new ServerSocket(0)) { port = s.getLocalPort(); }
        Path log = Files.createTempFile("sockact", ".log");
        Process p = new ProcessBuilder(List.of(tool.toString(), "--listen=127.0.0.1:" + port, Env.javaBin().toString(),
                "-cp", System.getProperty("java.class.path"), SocketActivationProbe.class.getName()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> r = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (r == null && System.nanoTime() < deadline) {
                try {
                    // The port is bound by systemd-socket-activate before the JVM even starts: the first
                    // connection waits in the backlog until Jetty accepts it.
                    r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(30)).build(),
                            HttpResponse.BodyHandlers.ofString());
                } catch (java.net.ConnectException e) {
                    Thread.sleep(100);
                }
            }
            assertThat(r).as("response; child log:\n" + Files.readString(log, StandardCharsets.UTF_8)).isNotNull();
            assertThat(r.statusCode()).isEqualTo(200);
            // a genuine JDK channel (so Jetty's selectors and InetSocketAddress-based code work), not junixsocket's
            assertThat(r.body()).startsWith("activated class=sun.nio.ch.").contains("remote=127.0.0.1");
            assertThat(Files.readString(log)).contains("LISTEN_FDS, fd 3");
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
            p.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }
}
