package io.hakuriver.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.systemd.UnixUsers;
import io.hakuriver.testsupport.Cluster;
import io.hakuriver.testsupport.Env;
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
 * The Host's database on a tiny tmpfs that fills up and is freed again: while it is full, writes fail with a
 * clear answer and nothing half-stored; once there is room, the same Host process carries on (no restart).
 */
class DiskFullIT {
    @TempDir Path tmp;
    Cluster c;
    Path dbDir;

    @AfterEach void down() throws Exception {
        if (c != null) c.close();
        if (dbDir != null) Env.run("umount", "-l", dbDir.toString());
    }

    private HttpResponse<String> submit(String script) {
        return c.client().send("POST", "/submit", Map.of("command", "sh", "arguments", List.of("-c", script),
                "required_cores", 0, "container_name", "NULL"), Duration.ofSeconds(60));
    }

    private static String id(HttpResponse<String> r) {
        return io.hakuriver.util.Json.tree(r.body()).get("task_ids").get(0).asText();
    }

    @Test @Timeout(240)
    void theHostRecoversByItselfOnceTheFullDiskHasRoomAgain() throws Exception {
        Env.require(UnixUsers.isRoot(), "Running as root (the test mounts a tmpfs; CI runs as root)");
        Path dir = tmp.resolve("c");
        dbDir = dir.resolve("db");
        Files.createDirectories(dbDir);
        assertThat(Env.run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dbDir.toString())).as("mount tmpfs").isZero();
        c = Cluster.start(dir, null, null);
        c.addRunner("n1", null);
        c.awaitOnline(1);

        HttpResponse<String> a = submit("while [ ! -e \"$HAKURIVER_SHARED_DIR/release\" ]; do sleep 0.2; done; echo A");
        assertThat(a.statusCode()).isEqualTo(202);
        String idA = id(a);
        c.awaitTask(idA, Duration.ofSeconds(30), s -> s.equals("running"));

        Path filler = dbDir.resolve("filler");
        try (OutputStream out = Files.newOutputStream(filler)) {
            byte[] block = new byte[4096];
            while (true) out.write(block);
        } catch (IOException expected) {
            // No space left on device: the database's disk is full now
        }
        List<String> acceptedWhileFull = new ArrayList<>();
        HttpResponse<String> refused = null;
        for (int i = 0; i < 300 && refused == null; i++) { // the WAL may still have room for a few rows
            HttpResponse<String> r = submit("echo full-" + i);
            if (r.statusCode() == 202) acceptedWhileFull.add(id(r));
            else refused = r;
        }
        assertThat(refused).as("a submit fails while the disk is full").isNotNull();
        assertThat(refused.statusCode()).isEqualTo(500);
        assertThat(refused.body()).startsWith("{\"detail\"").containsIgnoringCase("database");

        Files.writeString(c.sharedDir().resolve("release"), "go"); // A finishes while its update cannot be stored
        Thread.sleep(3000);
        Files.delete(filler);

        HttpResponse<String> b = submit("echo B");
        assertThat(b.statusCode()).as("submit after the disk has room: %s", b.body()).isEqualTo(202);
        List<String> all = new ArrayList<>(acceptedWhileFull);
        all.add(idA);
        all.add(id(b));
        for (String id : all) {
            JsonNode t = c.awaitTask(id, Duration.ofSeconds(60), Cluster::isFinal);
            assertThat(t.get("status").asText()).as("task %s", id).isEqualTo("completed");
        }
        assertThat(Files.readString(c.sharedDir().resolve("task_outputs/" + idA + ".out"))).isEqualTo("A\n");
        // what the Host reports is what it stored: a fresh Host process on the same file agrees
        c.stopHost(false);
        c.startHost();
        for (String id : all) assertThat(c.status(id).get("status").asText()).as("stored state of %s", id).isEqualTo("completed");
    }
}
