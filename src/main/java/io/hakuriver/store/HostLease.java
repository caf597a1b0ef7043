package io.hakuriver.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The leadership of Hosts that share one PostgreSQL: a lease row (host_lease, id 1) with holder, epoch and expiry on
 * the database's clock. A Host leads while it renews the lease; another takes it only once it expired, and raises the
 * epoch. Every commit of the leader confirms, inside its transaction and with the row locked, that the epoch is
 * still its own ({@link #confirm}): a takeover waits for that lock, so a commit is either before the takeover or
 * refused. A leader that was frozen (SIGSTOP, swap) past its lease while a standby took over finds another epoch
 * and commits nothing; one that nobody replaced meanwhile goes on.
 *
 * <p>A lease row rather than an advisory lock: a frozen process keeps its session (and its advisory locks) open,
 * so a lock alone would keep the standby out for as long as the leader is frozen.
 */
public final class HostLease {
    /** Milliseconds on the database's clock: clock_timestamp(), not now() (that is the transaction's start). */
    private static final String NOW_MS = "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT";

    private final Database db;
    private final String holder;
    private final long leaseMs;
    private Connection conn;
    private volatile long epoch = -1;
    /** System.nanoTime() of the last renewal (or acquisition) the database confirmed. */
    private volatile long renewedAt;
    private volatile boolean lost;
    private volatile Runnable onLost = () -> { };

    /** Who leads, as the row says; {@code remainingMs} ≤ 0 = expired (nobody leads). */
    public record Holder(String holder, long epoch, long remainingMs) {
        public boolean live() { return remainingMs > 0 && !holder.isEmpty(); }
    }

    public HostLease(Database db, String holder, int leaseSeconds) {
        if (db.dialect() != Dialect.POSTGRESQL) throw new IllegalArgumentException("a lease needs PostgreSQL");
        this.db = db;
        this.holder = holder;
        this.leaseMs = leaseSeconds * 1000L;
    }

    public String holder() { return holder; }
    public long leaseMillis() { return leaseMs; }
    public boolean held() { return epoch >= 0 && !lost; }
    public boolean lost() { return lost; }
    public long epoch() { return epoch; }

    /** Called once, from whichever thread first finds the lease lost. */
    public void onLost(Runnable r) { this.onLost = r; }

    private Connection conn() throws SQLException {
        if (conn == null || conn.isClosed()) {
            conn = db.openSide("lease", Math.max(1, (int) (leaseMs / 2000)));
            try (Statement st = conn.createStatement()) {
                st.execute("SET statement_timeout = " + Math.max(500, leaseMs / 3));
                st.execute("INSERT INTO host_lease (id, holder, epoch, expires_ms) VALUES (1, '', 0, 0) ON CONFLICT (id) DO NOTHING");
            }
        }
        return conn;
    }

    /** Takes the lease when nobody holds a live one; true when this Host now leads. */
    public synchronized boolean tryAcquire() throws SQLException {
        if (lost) return false;
        Holder h = current();
        if (h.remainingMs() > 0) return false;
        // a leader frozen inside a transaction holds row locks (the lease row's too, between confirm and commit):
        // its sessions are ended first, so the takeover does not wait for it to wake up
        if (!h.holder().isEmpty() && !h.holder().equals(holder)) endSessionsOf(h.holder());
        long started = System.nanoTime();
        try (PreparedStatement ps = conn().prepareStatement("UPDATE host_lease SET holder = ?, epoch = epoch + 1, expires_ms = "
                + NOW_MS + " + ? WHERE id = 1 AND expires_ms < " + NOW_MS + " RETURNING epoch")) {
            ps.setString(1, holder);
            ps.setLong(2, leaseMs);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return false;
                epoch = rs.getLong(1);
                renewedAt = started;
                return true;
            }
        }
    }

    private void endSessionsOf(String oldHolder) throws SQLException {
        try (PreparedStatement ps = conn().prepareStatement("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
                + "WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name IN (LEFT(?, 63), LEFT(?, 63), LEFT(?, 63))")) {
            for (int i = 0; i < 3; i++) ps.setString(i + 1, "hakuriver-host " + List.of("writer", "reader", "lease").get(i) + " " + oldHolder);
            ps.executeQuery().close();
        }
    }

    /**
     * Extends the lease; false (and the lease is lost for good) when another Host took it meanwhile. A renewal that
     * comes late (this process was frozen) but finds the epoch unchanged still leads: nobody took over, so nobody
     * else wrote, and any takeover from now on raises the epoch and locks this Host's commits out.
     */
    public synchronized boolean renew() throws SQLException {
        if (!held()) return false;
        long started = System.nanoTime();
        try (PreparedStatement ps = conn().prepareStatement("UPDATE host_lease SET expires_ms = " + NOW_MS
                + " + ? WHERE id = 1 AND holder = ? AND epoch = ?")) {
            ps.setLong(1, leaseMs);
            ps.setString(2, holder);
            ps.setLong(3, epoch);
            if (ps.executeUpdate() == 1) { renewedAt = started; return true; }
        }
        markLost("another Host holds the lease now");
        return false;
    }

    /** Whether the last confirmed renewal started longer than a lease ago (this process may have been frozen). */
    public boolean expiredLocally() { return System.nanoTime() - renewedAt >= leaseMs * 1_000_000L; }

    /**
     * Inside the writer's transaction, just before its commit: locks the lease row and checks that it is still this
     * Host's live lease. Throws (the caller rolls back) otherwise, and the lease counts as lost from then on.
     */
    public void confirm(Connection writer) throws SQLException {
        if (!held()) throw new LeaseLost(holder);
        // the epoch decides, not the expiry: a takeover raises it, and waits for this row lock to do so
        try (PreparedStatement ps = writer.prepareStatement("SELECT holder, epoch FROM host_lease WHERE id = 1 FOR SHARE")) {
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && holder.equals(rs.getString(1)) && rs.getLong(2) == epoch) return;
            }
        }
        markLost("the lease row is no longer this Host's");
        throw new LeaseLost(holder);
    }

    /** Gives the lease up at once (a clean stop), so a standby need not wait for it to expire. */
    public synchronized void release() {
        if (!held()) return;
        try (PreparedStatement ps = conn().prepareStatement("UPDATE host_lease SET expires_ms = 0 WHERE id = 1 AND holder = ? AND epoch = ?")) {
            ps.setString(1, holder);
            ps.setLong(2, epoch);
            ps.executeUpdate();
        } catch (SQLException ignored) {
            // it expires by itself
        }
        lost = true;
    }

    /** Who leads now, as the database says. */
    public synchronized Holder current() throws SQLException {
        try (Statement st = conn().createStatement();
             ResultSet rs = st.executeQuery("SELECT holder, epoch, expires_ms - " + NOW_MS + " FROM host_lease WHERE id = 1")) {
            return rs.next() ? new Holder(rs.getString(1), rs.getLong(2), rs.getLong(3)) : new Holder("", 0, 0);
        }
    }

    /** Gives up the leadership without asking the database (it could not be reached for a whole lease). */
    public void stepDown(String why) { markLost(why); }

    private void markLost(String why) {
        if (lost) return;
        lost = true;
        lostReason = why;
        onLost.run();
    }

    private volatile String lostReason = "";
    public String lostReason() { return lostReason; }

    public void close() {
        try { if (conn != null) conn.close(); } catch (SQLException ignored) { }
    }

    /** A commit refused because this Host no longer leads. */
    public static final class LeaseLost extends SQLException {
        LeaseLost(String holder) { super("this Host (" + holder + ") no longer holds the leadership: nothing was written", "HK001"); }
    }
}
