package io.hakuriver.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.testsupport.Cluster;
import io.hakuriver.testsupport.Postgres;
import io.hakuriver.testsupport.Preconditions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * hakuriver.host migrate --from-sqlite: a real cluster's SQLite state (finished, failed, killed and running tasks,
 * nodes) copied into a real PostgreSQL, compared row by row and field by field, and a second copy refused.
 */
@ExtendWith(Preconditions.class)
class MigrateFromSqliteIT {
    static void preconditions() { Postgres.require(); }

    @TempDir Path tmp;
    Cluster c;

    @AfterEach void down() { if (c != null) c.close(); }

    @Test void copiesNodesTasksAndHistoryAndVerifiesTheCounts() throws Exception {
        c = Cluster.start(tmp.resolve("c"));
        c.addRunner("n1", null);
        c.awaitOnline(1);
        for (String script : List.of("echo ok", "exit 3", "echo 'quote\" and ünïcode'")) {
            String id = submit(script);
            c.awaitTask(id, Duration.ofSeconds(60), Cluster::isFinal);
        }
        String killed = submit("sleep 300");
        c.awaitTask(killed, Duration.ofSeconds(60), "running"::equals);
        c.client().post("/kill/" + killed, null);
        c.awaitTask(killed, Duration.ofSeconds(60), Cluster::isFinal);
        String running = submit("sleep 300");
        c.awaitTask(running, Duration.ofSeconds(60), "running"::equals);
        c.stopHost(false);
        Path sqlite = c.dir.resolve("db/cluster.db");

        String url = Postgres.get().newDatabase();
        Path pgToml = c.dir.resolve("pg.toml");
        Files.writeString(pgToml, Files.readString(c.hostConfig()).replace("[database]\n",
                "[database]\nurl = \"" + url + "\"\npassword_file = \"" + Postgres.get().passwordFile + "\"\n"));
        Cluster.Result r = Cluster.cli(List.of("host", "migrate", "--from-sqlite", sqlite.toString(), "-c", pgToml.toString()));
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("counts match").contains("tasks completed").contains("tasks running");
        assertThat(r.out() + r.err()).doesNotContain(Files.readString(Postgres.get().passwordFile).strip());

        try (Database from = new Database(sqlite);
             Database to = Database.postgres(PostgresTarget.parse(url, Postgres.get().passwordFile.toString(), Map.of()))) {
            List<TaskRecord> a = new TaskStore(from).list(TaskFilter.all()), b = new TaskStore(to).list(TaskFilter.all());
            assertThat(b).hasSameSizeAs(a).hasSize(5);
            for (int i = 0; i < a.size(); i++) assertSameFields(a.get(i), b.get(i));
            List<NodeRecord> na = new NodeStore(from).all(), nb = new NodeStore(to).all();
            assertThat(nb).hasSize(1);
            assertSameFields(na.get(0), nb.get(0));
        }

        Cluster.Result again = Cluster.cli(List.of("host", "migrate", "--from-sqlite", sqlite.toString(), "-c", pgToml.toString()));
        assertThat(again.exit()).as(again.toString()).isEqualTo(1);
        assertThat(again.err()).contains("already holds 5 tasks");
    }

    private String submit(String script) {
        JsonNode r = c.client().post("/submit", Map.of("command", "sh", "arguments", List.of("-c", script),
                "required_cores", 0, "container_name", "NULL", "targets", List.of("n1")));
        return r.get("task_ids").get(0).asText();
    }

    private static void assertSameFields(Object x, Object y) throws IllegalAccessException {
        for (Field f : x.getClass().getFields()) {
            if (java.lang.reflect.Modifier.isStatic(f.getModifiers())) continue;
            assertThat(Objects.equals(f.get(x), f.get(y))).as(f.getName() + ": " + f.get(x) + " vs " + f.get(y)).isTrue();
        }
    }
}
