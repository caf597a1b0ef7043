package io.hakuriver.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The Host's SQLite file: one connection (SQLite has one writer anyway), WAL, versioned migrations.
 * Callers serialise access through {@link #lock()}.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    /** Migration N brings the schema from version N-1 to N. Never edit a released entry: append a new one. */
    static final List<List<String>> MIGRATIONS = List.of(
        List.of(
            """
            CREATE TABLE IF NOT EXISTS node (
              hostname TEXT PRIMARY KEY, url TEXT NOT NULL, total_cores INTEGER NOT NULL,
              last_heartbeat TEXT, status TEXT NOT NULL, cpu_percent REAL, memory_percent REAL,
              memory_used_bytes INTEGER, memory_total_bytes INTEGER, numa_topology TEXT)""",
            """
            CREATE TABLE IF NOT EXISTS task (
              task_id INTEGER PRIMARY KEY, command TEXT NOT NULL, arguments TEXT NOT NULL, env_vars TEXT NOT NULL,
              required_cores INTEGER NOT NULL, status TEXT NOT NULL, assigned_node_id TEXT,
              stdout_path TEXT, stderr_path TEXT, exit_code INTEGER, error_message TEXT,
              submitted_at TEXT NOT NULL, started_at TEXT, completed_at TEXT,
              assignment_suspicion_count INTEGER NOT NULL DEFAULT 0, required_memory_bytes INTEGER,
              systemd_unit_name TEXT, target_numa_node_id INTEGER, batch_id INTEGER)""",
            "CREATE INDEX IF NOT EXISTS ix_task_batch ON task(batch_id)"),
        List.of(
            "ALTER TABLE task ADD COLUMN container_name TEXT",
            "ALTER TABLE task ADD COLUMN docker_image_name TEXT",
            "ALTER TABLE task ADD COLUMN privileged INTEGER",
            "ALTER TABLE task ADD COLUMN additional_mounts TEXT",
            "ALTER TABLE task ADD COLUMN target_node TEXT",
            "ALTER TABLE task ADD COLUMN max_running INTEGER",
            "CREATE INDEX IF NOT EXISTS ix_task_status ON task(status)",
            "CREATE INDEX IF NOT EXISTS ix_task_node ON task(assigned_node_id)"),
        List.of(
            "ALTER TABLE node ADD COLUMN max_tasks INTEGER",
            "ALTER TABLE task ADD COLUMN dispatch_attempts INTEGER NOT NULL DEFAULT 0"),
        // issue 14 (work that runs itself): drain, priorities, dependencies
        List.of(
            "ALTER TABLE node ADD COLUMN drain INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE task ADD COLUMN priority INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE task ADD COLUMN depends_on TEXT",
            "ALTER TABLE task ADD COLUMN after_any INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE task ADD COLUMN retries INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE task ADD COLUMN retry_delay INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE task ADD COLUMN retry_on TEXT",
            "ALTER TABLE task ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1",
            "ALTER TABLE task ADD COLUMN retry_at TEXT",
            """
            CREATE TABLE IF NOT EXISTS task_attempt (
              task_id INTEGER NOT NULL, attempt INTEGER NOT NULL, node TEXT, status TEXT NOT NULL, exit_code INTEGER,
              error_message TEXT, started_at TEXT, completed_at TEXT, PRIMARY KEY (task_id, attempt))""",
            "CREATE TABLE IF NOT EXISTS task_event (task_id INTEGER NOT NULL, at TEXT NOT NULL, event TEXT NOT NULL, detail TEXT)",
            "CREATE INDEX IF NOT EXISTS ix_task_event_task ON task_event(task_id)",
            "ALTER TABLE task ADD COLUMN notify_url TEXT",
            """
            CREATE TABLE IF NOT EXISTS notification (
              id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL, body TEXT NOT NULL,
              attempts INTEGER NOT NULL DEFAULT 0, next_at TEXT NOT NULL)""")
    );

    private final Connection conn;
    private final Object lock = new Object();
    private final Path file;

    public Database(Path file) {
        this.file = file;
        Path parent = file.toAbsolutePath().getParent();
        try {
            if (parent != null) Files.createDirectories(parent);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create the directory of database.db_file " + file + ": " + e.getMessage(), e);
        }
        try {
            conn = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement st = conn.createStatement()) {
                st.execute("PRAGMA journal_mode=WAL");
                st.execute("PRAGMA synchronous=NORMAL");
                st.execute("PRAGMA busy_timeout=5000");
                st.execute("PRAGMA foreign_keys=OFF");
            }
            migrate();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot open SQLite database " + file + ": " + e.getMessage(), e);
        }
    }

    public Connection connection() { return conn; }

    /**
     * Runs {@code work} as one transaction (group commit: one disk sync for many rows); nested calls join the
     * outer one. A failure rolls everything back and is rethrown.
     */
    public <T> T inTransaction(java.util.function.Supplier<T> work) {
        try {
            if (!conn.getAutoCommit()) return work.get();
            conn.setAutoCommit(false);
        } catch (SQLException e) {
            throw new StoreException("starting a transaction", e);
        }
        try {
            T result = work.get();
            conn.commit();
            return result;
        } catch (SQLException e) {
            rollback();
            throw new StoreException("committing", e);
        } catch (RuntimeException e) {
            rollback();
            throw e;
        } finally {
            try { conn.setAutoCommit(true); } catch (SQLException ignored) { }
        }
    }

    private void rollback() {
        try { conn.rollback(); } catch (SQLException e) { log.warn("rollback failed: {}", e.getMessage()); }
    }

    /**
     * A separate read-only connection for long reads (task listings): WAL lets it read while the main connection
     * writes, so a listing never holds the Host's state lock. The caller closes it.
     */
    public Connection openReader() {
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA busy_timeout=5000");
                st.execute("PRAGMA query_only=1");
            }
            return c;
        } catch (SQLException e) {
            throw new StoreException("opening a reader", e);
        }
    }
    public Object lock() { return lock; }
    public Path file() { return file; }

    public int schemaVersion() throws SQLException {
        try (Statement st = conn.createStatement(); var rs = st.executeQuery("PRAGMA user_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private void migrate() throws SQLException {
        int current = schemaVersion();
        if (current > MIGRATIONS.size()) {
            throw new IllegalStateException("Database " + file + " has schema version " + current
                    + ", newer than this program knows (" + MIGRATIONS.size() + "): upgrade HakuRiver or use another db_file");
        }
        for (int v = current + 1; v <= MIGRATIONS.size(); v++) {
            conn.setAutoCommit(false);
            try (Statement st = conn.createStatement()) {
                for (String sql : MIGRATIONS.get(v - 1)) {
                    try {
                        st.execute(sql);
                    } catch (SQLException e) {
                        // a database created by the original already has some columns: adding them again is harmless
                        if (!String.valueOf(e.getMessage()).contains("duplicate column")) throw e;
                    }
                }
                st.execute("PRAGMA user_version = " + v);
                conn.commit();
                log.info("Database {} migrated to schema version {}", file, v);
            } catch (SQLException e) {
                conn.rollback();
                throw e;
            } finally {
                conn.setAutoCommit(true);
            }
        }
    }

    @Override public void close() {
        try { conn.close(); } catch (SQLException ignored) { }
    }
}
