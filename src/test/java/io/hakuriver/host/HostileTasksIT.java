package io.hakuriver.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.client.HostClient;
import io.hakuriver.runner.exec.ProgramLookup;
import io.hakuriver.testsupport.Cluster;
import io.hakuriver.util.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tasks that try to get a shell, and a Runner that enforces its own policy whatever the Host (or anyone holding the
 * token) sends it. Real Host and Runner processes.
 */
class HostileTasksIT {
    @TempDir Path tmp;
    Cluster c;

    @AfterEach void down() { if (c != null) c.close(); }

    private String submit(String command, List<String> args) {
        HttpResponse<String> r = c.client().send("POST", "/submit", Map.of("command", command, "arguments", args,
                "required_cores", 0, "container_name", "NULL"), Duration.ofSeconds(30));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return Json.tree(r.body()).get("task_ids").get(0).asText();
    }

    private JsonNode finished(String id) throws Exception { return c.awaitTask(id, Duration.ofSeconds(60), Cluster::isFinal); }

    /** A shell builtin name that is no program on this machine's PATH (else the real program would run, rightly). */
    private static boolean noProgramNamed(String name) {
        return ProgramLookup.resolve(name, System.getenv().getOrDefault("PATH", "/usr/bin:/bin"), Path.of("/")).isEmpty();
    }

    @Test @Timeout(240)
    void shellBuiltinsAreNotRunAndExplicitShellsStillWork() throws Exception {
        c = Cluster.start(tmp.resolve("c"));
        c.addRunner("n1", null);
        c.awaitOnline(1);
        Path pwned = c.sharedDir().resolve("pwned");

        // the probe's exploit: eval as the command ran its argument as shell code
        String eval = submit("eval", List.of("echo $HAKURIVER_TASK_ID > " + pwned));
        for (String builtin : List.of("exit", "cd", "exec", "trap")) assertThat(noProgramNamed(builtin)).as(builtin).isTrue();
        String exit = submit("exit", List.of("3"));
        String cd = submit("cd", List.of("/"));
        String exec = submit("exec", List.of("sh", "-c", "echo escaped > " + pwned));
        String missing = submit("no-such-program-" + System.nanoTime(), List.of());
        // dash's builtin echo expands backslash escapes; the echo program does not
        String echo = submit("echo", List.of("a\\tb"));
        String shell = submit("sh", List.of("-c", "echo shell-ok; exit 3"));

        for (String id : List.of(eval, exit, cd, exec, missing)) {
            JsonNode t = finished(id);
            assertThat(t.get("status").asText()).as("task %s %s", id, t).isEqualTo("failed");
            assertThat(t.get("exit_code").asInt()).as("shell's not-found status, recorded: %s", t).isEqualTo(127);
            assertThat(t.get("error_message").asText()).contains("not found");
            assertThat(Files.readString(c.sharedDir().resolve("task_errors/" + id + ".err"))).contains("not found");
        }
        assertThat(Files.exists(pwned)).as("no builtin ran shell code").isFalse();
        JsonNode e = finished(echo);
        assertThat(e.get("status").asText()).isEqualTo("completed");
        assertThat(Files.readString(c.sharedDir().resolve("task_outputs/" + echo + ".out"))).isEqualTo("a\\tb\n");
        JsonNode s = finished(shell);
        assertThat(s.get("status").asText()).isEqualTo("failed");
        assertThat(s.get("exit_code").asInt()).as("sh -c keeps the script's status").isEqualTo(3);
        assertThat(Files.readString(c.sharedDir().resolve("task_outputs/" + shell + ".out"))).isEqualTo("shell-ok\n");
    }

    @Test @Timeout(240)
    void theRunnerRefusesWhatItsOwnPolicyForbidsWhateverTheHostSends() throws Exception {
        c = Cluster.start(tmp.resolve("c"));
        // the Host allows any mount; this node only mounts from under /srv/allowed, and never privileged
        c.addRunner("n1", "[docker]\nallow_privileged = false\nallowed_mount_prefixes = [\"/srv/allowed\"]\n");
        c.awaitOnline(1);
        HostClient runner = new HostClient(c.runner("n1").url(), "");
        Path pwned = c.sharedDir().resolve("pwned");

        // a direct /run, as anyone holding the token could send it
        HttpResponse<String> priv = runner.send("POST", "/run", Map.of("task_id", 4242, "command", "touch",
                "arguments", List.of(pwned.toString()), "docker_image_name", "hakuriver/base:base", "docker_privileged", true),
                Duration.ofSeconds(10));
        assertThat(priv.statusCode()).as(priv.body()).isEqualTo(422);
        assertThat(Json.tree(priv.body()).get("detail").asText()).contains("Privileged").contains("allow_privileged = false");
        HttpResponse<String> mount = runner.send("POST", "/run", Map.of("task_id", 4243, "command", "touch",
                "arguments", List.of(pwned.toString()), "docker_image_name", "hakuriver/base:base",
                "docker_additional_mounts", List.of("/var/lib:/x")), Duration.ofSeconds(10));
        assertThat(mount.statusCode()).as(mount.body()).isEqualTo(422);
        assertThat(Json.tree(mount.body()).get("detail").asText()).contains("allowed_mount_prefixes");

        // through the Host, whose own policy lets it pass: the Runner's refusal fails the task with its reason
        HttpResponse<String> r = c.client().send("POST", "/submit", Map.of("command", "touch", "arguments", List.of(pwned.toString()),
                "container_name", "base", "additional_mounts", List.of("/var/lib:/x"), "required_cores", 0), Duration.ofSeconds(30));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode t = finished(Json.tree(r.body()).get("task_ids").get(0).asText());
        assertThat(t.get("status").asText()).isEqualTo("failed");
        assertThat(t.get("error_message").asText()).contains("Runner n1 rejected the task").contains("allowed_mount_prefixes");
        assertThat(runner.get("/health").get("running")).isEmpty();
        assertThat(Files.exists(pwned)).isFalse();
    }
}
