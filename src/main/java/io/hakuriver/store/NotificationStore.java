package io.hakuriver.store;

import io.hakuriver.util.Times;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The notification outbox: JSON bodies waiting to be POSTed to a web hook, written in the same transaction as the
 * change they announce, so a Host restart loses none. Callers hold {@link Database#lock()}.
 */
public final class NotificationStore {
    private final Database db;

    public record Pending(long id, String url, String body, int attempts) {}

    public NotificationStore(Database db) { this.db = db; }

    public void add(String url, String body, Instant at) {
        try (PreparedStatement ps = db.connection().prepareStatement("INSERT INTO notification (url, body, attempts, next_at) VALUES (?,?,0,?)")) {
            ps.setString(1, url);
            ps.setString(2, body);
            ps.setString(3, Times.format(at));
            ps.executeUpdate();
        } catch (SQLException e) { throw new StoreException("queueing a notification", e); }
    }

    /** Up to {@code limit} notifications due by {@code now}, oldest first, leaving out those being sent. */
    public List<Pending> due(Instant now, int limit, Collection<Long> sending) {
        List<Pending> out = new ArrayList<>();
        // ISO-8601 UTC text of one format sorts like time
        try (PreparedStatement ps = db.connection().prepareStatement(
                "SELECT id, url, body, attempts FROM notification WHERE next_at <= ? ORDER BY id LIMIT ?")) {
            ps.setString(1, Times.format(now));
            ps.setInt(2, limit + sending.size());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && out.size() < limit) {
                    long id = rs.getLong(1);
                    if (!sending.contains(id)) out.add(new Pending(id, rs.getString(2), rs.getString(3), rs.getInt(4)));
                }
            }
        } catch (SQLException e) { throw new StoreException("reading notifications", e); }
        return out;
    }

    public void delete(long id) {
        try (PreparedStatement ps = db.connection().prepareStatement("DELETE FROM notification WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        } catch (SQLException e) { throw new StoreException("deleting notification " + id, e); }
    }

    public void later(long id, int attempts, Instant next) {
        try (PreparedStatement ps = db.connection().prepareStatement("UPDATE notification SET attempts = ?, next_at = ? WHERE id = ?")) {
            ps.setInt(1, attempts);
            ps.setString(2, Times.format(next));
            ps.setLong(3, id);
            ps.executeUpdate();
        } catch (SQLException e) { throw new StoreException("rescheduling notification " + id, e); }
    }

    public long count() {
        try (var st = db.connection().createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM notification")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) { throw new StoreException("counting notifications", e); }
    }
}
