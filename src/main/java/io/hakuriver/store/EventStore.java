package io.hakuriver.store;

import io.hakuriver.util.Times;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The task_event table: each task's history (submitted, waiting, assigned, started, lost, attempt N, ended...). Kept
 * on disk only, never in the Host's heap. Callers hold {@link Database#lock()}.
 */
public final class EventStore {
    /** Most events /status shows of one task (the latest); a task with many retries keeps all of them on disk. */
    public static final int MAX_SHOWN = 200;
    private final Database db;
    private PreparedStatement insert;

    public record Event(Instant at, String event, String detail) {}

    public EventStore(Database db) { this.db = db; }

    /** An event on its way to the table. */
    public record Pending(long taskId, Instant at, String event, String detail) {}

    /** Many events in one transaction: the pages they touch are written once, not once per event. */
    public void addAll(List<Pending> pending) {
        if (pending.isEmpty()) return;
        db.inTransaction(() -> { for (Pending p : pending) add(p.taskId(), p.at(), p.event(), p.detail()); return null; });
    }

    public void add(long taskId, Instant at, String event, String detail) {
        try {
            if (insert == null) insert = db.connection().prepareStatement("INSERT INTO task_event (task_id, at, event, detail) VALUES (?,?,?,?)");
            insert.setLong(1, taskId);
            insert.setString(2, Times.format(at));
            insert.setString(3, event);
            insert.setString(4, detail);
            insert.executeUpdate();
        } catch (SQLException e) {
            // like TaskStore: a statement that failed (disk full) may stay unusable
            try { if (insert != null) insert.close(); } catch (SQLException ignored) { }
            insert = null;
            throw new StoreException("saving an event of task " + taskId, e);
        }
    }

    /** The task's latest {@link #MAX_SHOWN} events, oldest first. */
    public List<Event> of(long taskId) {
        ArrayDeque<Event> out = new ArrayDeque<>();
        try (PreparedStatement ps = db.connection().prepareStatement(
                // insertion order: SQLite's rowid; PostgreSQL has none, and the times (microseconds) order them there
                "SELECT at, event, detail FROM task_event WHERE task_id = ? ORDER BY "
                        + (db.dialect() == Dialect.SQLITE ? "rowid" : "at") + " DESC LIMIT " + MAX_SHOWN)) {
            ps.setLong(1, taskId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.addFirst(new Event(Times.parse(rs.getString(1)), rs.getString(2), rs.getString(3)));
            }
        } catch (SQLException e) {
            throw new StoreException("reading events of task " + taskId, e);
        }
        return new ArrayList<>(out);
    }
}
