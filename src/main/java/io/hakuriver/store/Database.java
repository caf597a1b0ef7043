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
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The Host's database: SQLite (the embedded default: one file, WAL) or PostgreSQL ({@code [database] url}). One
 * writer connection (the Host has one writer anyway: its state lock), versioned migrations for both, a few reader
 * connections for listings. Callers serialise access through {@link #lock()}. SQL differences live in {@link Dialect}.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    /**
     * Migration N brings the schema from version N-1 to N. Never edit a released entry: append a new one. Written in
     * SQLite's spelling; {@link Dialect#ddl} makes PostgreSQL's of it, so use the subset both have (INTEGER, TEXT,
     * REAL, ADD COLUMN, CREATE INDEX IF NOT EXISTS).
     */
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
        List.of(
            // GPUs: what a node has (KohakuRiver's gpu_info JSON), what a task asked for and what it was given
            "ALTER TABLE node ADD COLUMN gpu_info TEXT",
            "ALTER TABLE node ADD COLUMN gpu_shares_per_gpu INTEGER",
            "ALTER TABLE node ADD COLUMN gpu_error TEXT",
            "ALTER TABLE task ADD COLUMN required_gpus TEXT",
            "ALTER TABLE task ADD COLUMN gpu_count INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE task ADD COLUMN gpu_share INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE task ADD COLUMN assigned_gpus TEXT"),
        List.of(
            // two Hosts on PostgreSQL: the leader's lease (one row; SQLite never uses it). Times are the database's
            // clock in milliseconds, so the Hosts' clocks never matter.
            "CREATE TABLE IF NOT EXISTS host_lease (id INTEGER PRIMARY KEY, holder TEXT NOT NULL, epoch INTEGER NOT NULL, "
                    + "expires_ms INTEGER NOT NULL)"),
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

    private final Dialect dialect;
    private final Callable<Connection> opener;
    private final Callable<Connection> readerOpener;
    private final String name;
    private final Path file;
    private final PostgresTarget target;
    private final Object lock = new Object();
    private Connection conn;
    private boolean inTransaction;
    /** Set on a Host that may have a standby: every commit first confirms the lease (no second writer, ever). */
    private volatile HostLease lease;
    /** Bounds the reader connections (PostgreSQL counts connections; listings beyond it wait). */
    private final Semaphore readers = new Semaphore(MAX_READERS);
    static final int MAX_READERS = 4;

    /** SQLite at {@code file} (created with its directory when missing). */
    public Database(Path file) {
        this(Dialect.SQLITE, file, null, () -> sqlite(file, false), () -> sqlite(file, true));
    }

    private Database(Dialect dialect, Path file, PostgresTarget target, Callable<Connection> opener, Callable<Connection> readerOpener) {
        this.dialect = dialect;
        this.target = target;
        this.name = file != null ? file.toString() : target.toString();
        this.file = file;
        this.opener = opener;
        this.readerOpener = readerOpener;
        if (file != null) {
            Path parent = file.toAbsolutePath().getParent();
            try {
                if (parent != null) Files.createDirectories(parent);
            } catch (Exception e) {
                throw new IllegalStateException("Cannot create the directory of database.db_file " + file + ": " + e.getMessage(), e);
            }
        }
        try {
            conn = opener.call();
            migrate();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot open " + describe() + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot open " + describe() + ": " + e, e);
        }
    }

    /** The configured database: PostgreSQL when {@code [database] url} is set, else SQLite at db_file. */
    public static Database open(io.hakuriver.config.HakuConfig cfg) {
        if (!cfg.database().postgres()) return new Database(cfg.dbFile());
        return postgres(PostgresTarget.parse(cfg.database().url(), cfg.database().passwordFile(), System.getenv()).forHost(cfg.advertisedUrl()));
    }

    public static Database postgres(PostgresTarget t) {
        return new Database(Dialect.POSTGRESQL, null, t, () -> pg(t, "writer", false), () -> pg(t, "reader", true));
    }

    /** One more PostgreSQL connection for a side job (the lease), with its own socket timeout in seconds. */
    public Connection openSide(String role, int socketTimeoutSeconds) throws SQLException {
        if (target == null) throw new IllegalStateException("side connections are for PostgreSQL");
        java.util.Properties p = target.properties(role);
        p.setProperty("socketTimeout", String.valueOf(socketTimeoutSeconds));
        p.setProperty("connectTimeout", String.valueOf(socketTimeoutSeconds));
        return DriverManager.getConnection(target.jdbcUrl(), p);
    }

    private static Connection sqlite(Path file, boolean reader) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement st = c.createStatement()) {
            st.execute("PRAGMA busy_timeout=5000");
            if (reader) {
                st.execute("PRAGMA query_only=1");
            } else {
                st.execute("PRAGMA journal_mode=WAL");
                st.execute("PRAGMA synchronous=NORMAL");
                st.execute("PRAGMA foreign_keys=OFF");
            }
        }
        return c;
    }

    static Connection pg(PostgresTarget t, String role, boolean reader) throws SQLException {
        Connection c = DriverManager.getConnection(t.jdbcUrl(), t.properties(role));
        if (reader) {
            c.setReadOnly(true);
            c.setAutoCommit(false); // the driver streams a large listing only inside a transaction
        }
        return c;
    }

    /** What to call it in messages: the file, or the PostgreSQL URL without any password. */
    public String describe() { return dialect == Dialect.SQLITE ? "SQLite database " + name : "PostgreSQL database " + name; }

    public Dialect dialect() { return dialect; }

    /** The writer connection; a PostgreSQL connection that broke (database restarted, network) is opened again. */
    public Connection connection() {
        try {
            if (dialect == Dialect.POSTGRESQL && !inTransaction && conn.isClosed()) {
                log.warn("Connection to {} was lost; connecting again", name);
                conn = opener.call();
            }
        } catch (SQLException e) {
            throw new StoreException("reconnecting", e);
        } catch (Exception e) {
            throw new StoreException("reconnecting", new SQLException(e.toString(), e));
        }
        return conn;
    }

    /** Makes every later commit confirm that this Host still holds {@code lease}. */
    public void fenceWith(HostLease lease) { this.lease = lease; }

    /**
     * Inside {@link #inTransaction}: commits what was written so far (confirming the lease first) and goes on in a
     * new transaction. A submit calls it before its tasks enter memory, so a failed commit leaves nothing behind.
     */
    public void commitNow() {
        if (!inTransaction) return;
        try {
            HostLease l = lease;
            if (l != null && wrote) l.confirm(conn);
            conn.commit();
            wrote = false;
        } catch (SQLException e) {
            rollback(conn);
            throw new StoreException("committing", e);
        }
    }

    /**
     * Writes of a Host that may have a standby must be inside {@link #inTransaction}, whose commit confirms the lease;
     * anything else could reach the database after another Host took over.
     */
    public void checkWritable() {
        if (lease != null && !inTransaction) throw new IllegalStateException("a write outside a transaction on a fenced database");
        wrote = true;
    }

    /** Whether the current transaction wrote a row (one that only read has nothing to confirm). */
    private boolean wrote;

    /**
     * Runs {@code work} as one transaction (group commit: one disk sync for many rows); nested calls join the
     * outer one. A failure rolls everything back and is rethrown. With a lease, the commit happens only while the
     * lease row is ours and locked ({@link HostLease#confirm}): a Host that lost the leadership commits nothing.
     */
    public <T> T inTransaction(java.util.function.Supplier<T> work) {
        if (inTransaction) return work.get();
        Connection c = connection();
        try {
            c.setAutoCommit(false);
        } catch (SQLException e) {
            throw new StoreException("starting a transaction", e);
        }
        inTransaction = true;
        wrote = false;
        try {
            T result = work.get();
            HostLease l = lease;
            if (l != null && wrote) l.confirm(c);
            c.commit();
            return result;
        } catch (SQLException e) {
            rollback(c);
            throw new StoreException("committing", e);
        } catch (RuntimeException e) {
            rollback(c);
            throw e;
        } finally {
            inTransaction = false;
            try { c.setAutoCommit(true); } catch (SQLException ignored) { }
        }
    }

    private void rollback(Connection c) {
        try { c.rollback(); } catch (SQLException e) { log.warn("rollback failed: {}", e.getMessage()); }
    }

    /**
     * A separate read-only connection for long reads (task listings): it reads while the writer writes (SQLite's
     * WAL, PostgreSQL's MVCC), so a listing never holds the Host's state lock. The caller closes it.
     */
    public Connection openReader() {
        try {
            return readerOpener.call();
        } catch (SQLException e) {
            throw new StoreException("opening a reader", e);
        } catch (Exception e) {
            throw new StoreException("opening a reader", new SQLException(e.toString(), e));
        }
    }
    /** Idle reader connections kept for the next listing (opening one costs more than a small query). */
    private final java.util.concurrent.ArrayBlockingQueue<Connection> idleReaders = new java.util.concurrent.ArrayBlockingQueue<>(2);

    /** A reader from the idle ones, or a new one (at most {@link #MAX_READERS} at once); give it back with {@link #giveBack}. */
    public Connection borrowReader() {
        try {
            if (!readers.tryAcquire(30, TimeUnit.SECONDS)) throw new StoreException("waiting for a reader", new SQLException("all " + MAX_READERS + " readers busy for 30 s"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("waiting for a reader", new SQLException("interrupted"));
        }
        try {
            Connection c = idleReaders.poll();
            return c != null ? c : openReader();
        } catch (RuntimeException e) {
            readers.release();
            throw e;
        }
    }

    /** Keeps a healthy reader for the next listing, closes it when enough are idle or it failed. */
    public void giveBack(Connection c, boolean healthy) {
        try {
            if (healthy && dialect == Dialect.POSTGRESQL) {
                try { c.rollback(); } catch (SQLException e) { healthy = false; } // ends its read transaction
            }
            if (healthy && idleReaders.offer(c)) return;
            try { c.close(); } catch (SQLException ignored) { }
        } finally {
            readers.release();
        }
    }

    public Object lock() { return lock; }
    /** The SQLite file; null on PostgreSQL. */
    public Path file() { return file; }

    public int schemaVersion() throws SQLException {
        return schemaVersion(connection());
    }

    private int schemaVersion(Connection c) throws SQLException {
        String sql = dialect == Dialect.SQLITE ? "PRAGMA user_version" : "SELECT MAX(version) FROM hakuriver_schema";
        try (Statement st = c.createStatement(); var rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private void migrate() throws SQLException {
        conn.setAutoCommit(false);
        try (Statement st = conn.createStatement()) {
            if (dialect == Dialect.POSTGRESQL) {
                // two Hosts starting at once: one migrates, the other waits and then finds nothing left to do
                st.execute("CREATE TABLE IF NOT EXISTS hakuriver_schema (version INTEGER NOT NULL)");
                conn.commit();
                st.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
            }
            int current = schemaVersion(conn);
            if (current > MIGRATIONS.size()) {
                throw new IllegalStateException(describe() + " has schema version " + current + ", newer than this program knows ("
                        + MIGRATIONS.size() + "): upgrade HakuRiver or use another database");
            }
            for (int v = current + 1; v <= MIGRATIONS.size(); v++) {
                for (String sql : MIGRATIONS.get(v - 1)) {
                    if (dialect == Dialect.POSTGRESQL) st.execute("SAVEPOINT m"); // a failed statement must not end the transaction
                    try {
                        st.execute(dialect.ddl(sql));
                    } catch (SQLException e) {
                        // a database created by the original already has some columns: adding them again is harmless
                        if (!dialect.alreadyThere(e)) throw e;
                        if (dialect == Dialect.POSTGRESQL) st.execute("ROLLBACK TO SAVEPOINT m");
                    }
                }
                if (dialect == Dialect.SQLITE) st.execute("PRAGMA user_version = " + v);
                else st.execute("INSERT INTO hakuriver_schema (version) VALUES (" + v + ")");
                if (dialect == Dialect.SQLITE) conn.commit(); // PostgreSQL: all versions in the one locked transaction
                log.info("{} migrated to schema version {}", describe(), v);
            }
            conn.commit();
        } catch (SQLException | RuntimeException e) {
            conn.rollback();
            throw e;
        } finally {
            conn.setAutoCommit(true);
        }
    }

    /** pg_advisory_xact_lock key of schema migrations ("HKRV" in ASCII). */
    static final long MIGRATION_LOCK = 0x484B5256L;

    @Override public void close() {
        for (Connection c; (c = idleReaders.poll()) != null; ) { try { c.close(); } catch (SQLException ignored) { } }
        try { conn.close(); } catch (SQLException ignored) { }
    }
}
