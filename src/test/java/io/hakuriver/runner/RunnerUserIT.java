package io.hakuriver.runner;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.systemd.UnixUsers;
import io.hakuriver.testsupport.Cluster;
import io.hakuriver.testsupport.Env;
import io.hakuriver.util.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A root Runner with {@code runner_user = "nobody"} (whose primary group is not called "nobody" on Debian): the task
 * runs as nobody:nogroup, cannot read the Runner's config, token or state, and its exit status survives a Runner
 * killed with SIGKILL while it ran.
 */
class RunnerUserIT {
    @TempDir Path tmp;
    Cluster c;

    @AfterEach void down() { if (c != null) c.close(); }

    @Test @Timeout(300)
    void aTaskAsNobodyCannotReachTheRunnersSecretsAndItsExitCodeSurvivesARunnerRestart() throws Exception {
        Env.require(UnixUsers.isRoot(), "Running as root (runner_user needs a root Runner; CI runs as root)");
        Env.require(UnixUsers.byName("nobody").isPresent(), "An account 'nobody'");
        // a task account must be able to pass through the directories above the shared and state dirs
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        String token = "tok-" + System.nanoTime();
        c = Cluster.start(tmp.resolve("c"), token, null);
        Files.setPosixFilePermissions(tmp.resolve("c"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Cluster.Runner n1 = c.addRunner("n1", "[environment]\nrunner_user = \"nobody\"\n");
        c.awaitOnline(1);
        // written 0644 by the fixture: the Runner says that its token is exposed
        Path runnerLog = c.dir.resolve("runner-n1.log");
        assertThat(Files.readString(runnerLog)).contains("holds the [security] token and is readable by other accounts")
                .contains("chmod 600 " + n1.config);
        for (Path cfg : List.of(n1.config, c.hostConfig())) Files.setPosixFilePermissions(cfg, PosixFilePermissions.fromString("rw-------"));

        Path state = c.dir.resolve("state-n1");
        long runnerPid = n1.process().pid();
        String script = String.join("\n",
                "id -un; id -gn",
                "cat " + n1.config + " && echo READ-CONFIG",
                "cat " + c.hostConfig() + " && echo READ-HOST-CONFIG",
                "cat /proc/" + runnerPid + "/environ && echo READ-ENVIRON",
                "ls " + state + " && echo LISTED-STATE",
                "cat " + state + "/tasks.journal && echo READ-JOURNAL",
                "ls " + state + "/outbox && echo LISTED-OUTBOX",
                "echo started",
                "while [ ! -e \"$HAKURIVER_SHARED_DIR/release\" ]; do sleep 0.2; done",
                "exit 7");
        HttpResponse<String> r = c.client().send("POST", "/submit", Map.of("command", "sh", "arguments", List.of("-c", script),
                "required_cores", 0, "container_name", "NULL"), Duration.ofSeconds(30));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String id = Json.tree(r.body()).get("task_ids").get(0).asText();
        c.awaitTask(id, Duration.ofSeconds(60), s -> s.equals("running"));
        Path out = c.sharedDir().resolve("task_outputs/" + id + ".out");
        Cluster.await(Duration.ofSeconds(30), "the task's probes", () -> Files.readString(out).contains("started"));

        String stdout = Files.readString(out);
        assertThat(stdout).startsWith("nobody\nnogroup\n").doesNotContain("READ-").doesNotContain("LISTED-").doesNotContain(token);
        assertThat(Files.readString(c.sharedDir().resolve("task_errors/" + id + ".err"))).contains("Permission denied");

        // the Runner dies while the task runs; a new Runner process re-attaches and learns the exit status
        c.stopRunner("n1", true);
        c.startRunner("n1");
        Files.writeString(c.sharedDir().resolve("release"), "go");
        JsonNode t = c.awaitTask(id, Duration.ofSeconds(60), Cluster::isFinal);
        assertThat(t.get("status").asText()).as(t.toString()).isEqualTo("failed");
        assertThat(t.get("exit_code").asInt()).as("exit status written by the task's account, read after the restart: %s", t).isEqualTo(7);
        assertThat(Files.readString(runnerLog)).contains("Re-attached to task " + id);
    }
}
