package io.hakuriver.runner;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.client.HostClient;
import io.hakuriver.systemd.UnixUsers;
import io.hakuriver.testsupport.Cluster;
import io.hakuriver.testsupport.Env;
import io.hakuriver.util.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared dir and the Runner's state dir on small tmpfs mounts that fill up: the task's error says "No space left
 * on device" and which directory, and so does the Runner's /health; with room again, tasks run as before.
 */
class RunnerDiskFullIT {
    @TempDir Path tmp;
    Cluster c;
    final List<Path> mounts = new ArrayList<>();

    @AfterEach void down() {
        if (c != null) c.close();
        for (Path m : mounts) Env.run("umount", "-l", m.toString());
    }

    private void tmpfs(Path dir) throws IOException {
        Files.createDirectories(dir);
        assertThat(Env.run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", dir.toString())).as("mount tmpfs on %s", dir).isZero();
        mounts.add(dir);
    }

    private static Path fill(Path dir) {
        Path filler = dir.resolve("filler");
        try (OutputStream out = Files.newOutputStream(filler)) {
            byte[] block = new byte[4096];
            while (true) out.write(block);
        } catch (IOException expected) {
            return filler; // No space left on device
        }
    }

    private String submit(String script) {
        HttpResponse<String> r = c.client().send("POST", "/submit", Map.of("command", "sh", "arguments", List.of("-c", script),
                "required_cores", 0, "container_name", "NULL"), Duration.ofSeconds(30));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return Json.tree(r.body()).get("task_ids").get(0).asText();
    }

    private JsonNode finished(String id) throws Exception { return c.awaitTask(id, Duration.ofSeconds(60), Cluster::isFinal); }

    @Test @Timeout(300)
    void aFullSharedDirOrStateDirIsNamedInTheTasksErrorAndInTheRunnersHealth() throws Exception {
        Env.require(UnixUsers.isRoot(), "Running as root (the test mounts tmpfs; CI runs as root)");
        Path dir = tmp.resolve("c");
        Path shared = dir.resolve("shared"), state = dir.resolve("state-n1");
        tmpfs(shared);
        tmpfs(state);
        c = Cluster.start(dir, null, null);
        c.addRunner("n1", null);
        c.awaitOnline(1);
        HostClient runner = new HostClient(c.runner("n1").url(), "");
        assertThat(runner.get("/health").get("disk_problem").isNull()).isTrue();

        // the task itself fills the shared dir: its failure says why
        String writer = submit("dd if=/dev/zero of=\"$HAKURIVER_SHARED_DIR/shared_data/big\" bs=64k count=64");
        JsonNode w = finished(writer);
        assertThat(w.get("status").asText()).isEqualTo("failed");
        assertThat(w.get("error_message").asText()).contains("No space left on device").contains("shared_dir " + shared);
        Files.delete(shared.resolve("shared_data/big"));

        // a full shared dir: the task is not started, and says so
        Path filler = fill(shared);
        String full = submit("echo never");
        JsonNode f = finished(full);
        assertThat(f.get("status").asText()).isEqualTo("failed");
        assertThat(f.get("error_message").asText()).contains("No space left on device").contains("shared_dir " + shared)
                .contains("not started");
        JsonNode health = runner.get("/health");
        assertThat(health.get("disk").get("shared_dir").get("ok").asBoolean()).isFalse();
        assertThat(health.get("disk").get("shared_dir").get("problem").asText()).isEqualTo("no space left on device");
        assertThat(health.get("disk_problem").asText()).contains("shared_dir " + shared);
        Files.delete(filler);

        // a full state dir (journal, outbox, exit files)
        Path stateFiller = fill(state);
        String noState = submit("echo never");
        JsonNode s = finished(noState);
        assertThat(s.get("status").asText()).isEqualTo("failed");
        assertThat(s.get("error_message").asText()).contains("No space left on device").contains("state_dir " + state);
        assertThat(runner.get("/health").get("disk").get("state_dir").get("ok").asBoolean()).isFalse();
        Files.delete(stateFiller);

        // room again: business as usual, no restart
        assertThat(runner.get("/health").get("disk_problem").isNull()).isTrue();
        String ok = submit("echo fine");
        assertThat(finished(ok).get("status").asText()).isEqualTo("completed");
        assertThat(Files.readString(shared.resolve("task_outputs/" + ok + ".out"))).isEqualTo("fine\n");
    }
}
