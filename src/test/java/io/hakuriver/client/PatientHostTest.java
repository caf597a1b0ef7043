package io.hakuriver.client;

import io.hakuriver.util.RemoteError;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PatientHostTest {
    final ByteArrayOutputStream notes = new ByteArrayOutputStream();
    final PrintStream notesOut = new PrintStream(notes, true, StandardCharsets.UTF_8);

    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) { return s.getLocalPort(); }
    }

    @Test void aHostThatNeverAnswersIsGivenUpOnAfterTheBoundAndSaysSo() throws Exception {
        HostClient client = new HostClient("http://127.0.0.1:" + closedPort(), "");
        PatientHost host = new PatientHost(client, new RetryPolicy(Duration.ofSeconds(2), System::currentTimeMillis), notesOut);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> host.get("/status/1")).isInstanceOf(RemoteError.class).isNotInstanceOf(HostUnavailable.class)
                .hasMessageContaining("gave up after 2 s without an answer from the Host").hasMessageContaining("may still be running");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(notes.toString(StandardCharsets.UTF_8)).contains("Host not answering (cannot connect to the Host", "retrying");
    }

    @Test void transientFailuresAreRetriedAndTheRecoveryIsReported() throws Exception {
        PatientHost host = new PatientHost(new HostClient("http://127.0.0.1:1", ""), RetryPolicy.standard(), notesOut);
        AtomicInteger calls = new AtomicInteger();
        String r = host.call(() -> {
            if (calls.incrementAndGet() < 3) throw new HostUnavailable("HTTP 503");
            return "ok";
        });
        assertThat(r).isEqualTo("ok");
        assertThat(calls).hasValue(3);
        assertThat(notes.toString(StandardCharsets.UTF_8)).contains("Host not answering (HTTP 503)", "is answering again");
    }

    @Test void aRefusalIsNotRetried() {
        PatientHost host = new PatientHost(new HostClient("http://127.0.0.1:1", ""), RetryPolicy.standard(), notesOut);
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> host.call(() -> { calls.incrementAndGet(); throw new RemoteError("Host answered HTTP 404: Task not found"); }))
                .hasMessageContaining("404");
        assertThat(calls).hasValue(1);
    }
}
