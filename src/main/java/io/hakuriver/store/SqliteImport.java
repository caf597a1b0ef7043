package io.hakuriver.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Copies a Host's SQLite state (nodes, every task: queued, running and the history) into an empty PostgreSQL
 * database, then compares the counts per table and per task status. The SQLite file is not changed: a consistent
 * snapshot of it (VACUUM INTO, safe while WAL files exist) is brought to the current schema and read.
 */
public final class SqliteImport {
    /** Rows per transaction: bounded memory and undo for any size of history. */
    static final int CHUNK = 1000;

    /** What was copied: counts per table and per task status, as read from both sides. */
    public record Report(Map<String, Long> source, Map<String, Long> target) {
        public boolean matches() { return source.equals(target); }
    }

    private SqliteImport() {}

    public static Report copy(Path sqliteFile, Database target) throws SQLException, java.io.IOException {
        if (target.dialect() != Dialect.POSTGRESQL) throw new IllegalArgumentException("the target must be PostgreSQL");
        if (!Files.isRegularFile(sqliteFile)) throw new IllegalArgumentException("no SQLite file at " + sqliteFile);
        Map<String, Long> before = counts(target.connection());
        if (before.get("tasks") > 0 || before.get("nodes") > 0) {
            throw new IllegalStateException(target.describe() + " already holds " + before.get("tasks") + " tasks and "
                    + before.get("nodes") + " nodes: migrate into an empty database");
        }
        Path snapshot = Files.createTempFile("hakuriver-import-", ".db");
        Files.delete(snapshot); // VACUUM INTO wants to create it
        try {
            org.sqlite.SQLiteConfig readOnly = new org.sqlite.SQLiteConfig();
            readOnly.setReadOnly(true);
            try (Connection c = readOnly.createConnection("jdbc:sqlite:" + sqliteFile.toAbsolutePath());
                 Statement st = c.createStatement()) {
                st.execute("VACUUM INTO '" + snapshot.toString().replace("'", "''") + "'");
            }
            try (Database source = new Database(snapshot)) {
                NodeStore targetNodes = new NodeStore(target);
                List<NodeRecord> nodes = new NodeStore(source).all();
                target.inTransaction(() -> { for (NodeRecord n : nodes) targetNodes.save(n); return null; });
                copyTasks(source, new TaskStore(target), target);
                return new Report(counts(source.connection()), counts(target.connection()));
            }
        } finally {
            Files.deleteIfExists(snapshot);
        }
    }

    private static void copyTasks(Database source, TaskStore into, Database target) {
        List<TaskRecord> chunk = new ArrayList<>(CHUNK);
        Connection reader = source.borrowReader();
        boolean healthy = false;
        try {
            TaskStore.forEach(reader, TaskFilter.all(), t -> {
                chunk.add(t);
                if (chunk.size() == CHUNK) { into.saveAll(chunk); chunk.clear(); }
            });
            if (!chunk.isEmpty()) into.saveAll(chunk);
            healthy = true;
        } finally {
            source.giveBack(reader, healthy);
        }
    }

    /** Row counts: "nodes", "tasks" and "tasks <status>" for every status present. */
    static Map<String, Long> counts(Connection c) throws SQLException {
        Map<String, Long> m = new LinkedHashMap<>();
        try (Statement st = c.createStatement()) {
            try (var rs = st.executeQuery("SELECT COUNT(*) FROM node")) { rs.next(); m.put("nodes", rs.getLong(1)); }
            try (var rs = st.executeQuery("SELECT COUNT(*) FROM task")) { rs.next(); m.put("tasks", rs.getLong(1)); }
            Map<String, Long> byStatus = new TreeMap<>();
            try (var rs = st.executeQuery("SELECT status, COUNT(*) FROM task GROUP BY status")) {
                while (rs.next()) byStatus.put("tasks " + rs.getString(1), rs.getLong(2));
            }
            m.putAll(byStatus);
        }
        return m;
    }
}
