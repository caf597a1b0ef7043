package io.hakuriver.client;

import io.hakuriver.testsupport.Cluster;
import io.hakuriver.testsupport.Env;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `hakuriver.client --wait` while the Host is frozen (SIGSTOP) for longer than a request's 15 s timeout: the client
 * must keep waiting, say that it retries, and end with the task's own exit code once the Host answers again.
 */
class WaitRetryIT {
    @TempDir Path tmp;
    Cluster cluster;

    @AfterEach void stop() throws Exception {
        if (cluster != null) {
            Process h = cluster.hostProcess();
            if (h != null) new ProcessBuilder("kill", "-CONT", Long.toString(h.pid())).start().waitFor();
            cluster.close();
        }
    }

    @Test void waitRidesOutAFrozenHostAndExitsWithTheTasksCode() throws Exception {
        cluster = Cluster.start(tmp.resolve("c"));
        cluster.addRunner("retry-node", "null_backend = \"process\"\n");
        cluster.awaitOnline(1);

        Path out = tmp.resolve("client.out"), err = tmp.resolve("client.err");
        Process client = new ProcessBuilder(Env.javaBin().toString(), "-Xmx128m", "-jar", Env.jar().toString(), "client",
                "-c", cluster.hostConfig().toString(), "--container", "NULL", "--wait", "--poll-interval", "0.5",
                "--", "sh", "-c", "sleep 8; echo done; exit 3")
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        Cluster.await(Duration.ofSeconds(60), "the task to run", () -> Files.readString(out).contains("task ")
                && cluster.client().get("/tasks?limit=1").get(0).path("status").asText().equals("running"));

        long hostPid = cluster.hostProcess().pid();
        assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(hostPid)).start().waitFor()).isZero();
        try {
            Thread.sleep(20_000); // > the client's 15 s request timeout; the task ends meanwhile
            assertThat(client.isAlive()).as("client still waiting while the Host is frozen; stderr: " + Files.readString(err)).isTrue();
        } finally {
            new ProcessBuilder("kill", "-CONT", Long.toString(hostPid)).start().waitFor();
        }
        assertThat(client.waitFor(90, TimeUnit.SECONDS)).as("client ends once the Host answers").isTrue();
        String stderr = Files.readString(err);
        assertThat(client.exitValue()).as("stdout: " + Files.readString(out) + "\nstderr: " + stderr).isEqualTo(3);
        assertThat(stderr).contains("Host not answering", "retrying", "is answering again").doesNotContain("Error:");
        assertThat(Files.readString(out)).contains("failed on retry-node (exit code 3)");
        assertThat(List.of(Files.readString(out), stderr)).noneMatch(s -> s.contains("\u001b[")); // not a terminal: no colour
    }
}
