package io.hakuriver.store;

import io.hakuriver.util.Times;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/** The task_attempt table: ended attempts of retried tasks. Callers hold {@link Database#lock()}. */
public final class AttemptStore {
    private final Database db;

    public AttemptStore(Database db) { this.db = db; }

    public void save(AttemptRecord a) {
        String sql = db.dialect().upsert("task_attempt", "task_id, attempt",
                java.util.List.of("task_id", "attempt", "node", "status", "exit_code", "error_message", "started_at", "completed_at"));
        try (PreparedStatement ps = db.connection().prepareStatement(sql)) {
            ps.setLong(1, a.taskId());
            ps.setInt(2, a.attempt());
            ps.setString(3, a.node());
            ps.setString(4, a.status());
            if (a.exitCode() == null) ps.setNull(5, Types.INTEGER); else ps.setInt(5, a.exitCode());
            ps.setString(6, a.errorMessage());
            ps.setString(7, Times.format(a.startedAt()));
            ps.setString(8, Times.format(a.completedAt()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("saving attempt " + a.attempt() + " of task " + a.taskId(), e);
        }
    }

    /** An attempt that turned out not to have ended (its Runner still ran it) is taken back. */
    public void delete(long taskId, int attempt) {
        try (PreparedStatement ps = db.connection().prepareStatement("DELETE FROM task_attempt WHERE task_id = ? AND attempt = ?")) {
            ps.setLong(1, taskId);
            ps.setInt(2, attempt);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("deleting attempt " + attempt + " of task " + taskId, e);
        }
    }

    public List<AttemptRecord> of(long taskId) {
        List<AttemptRecord> out = new ArrayList<>();
        try (PreparedStatement ps = db.connection().prepareStatement(
                "SELECT * FROM task_attempt WHERE task_id = ? ORDER BY attempt")) {
            ps.setLong(1, taskId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int ec = rs.getInt("exit_code");
                    Integer exit = rs.wasNull() ? null : ec;
                    out.add(new AttemptRecord(taskId, rs.getInt("attempt"), rs.getString("node"), rs.getString("status"), exit,
                            rs.getString("error_message"), Times.parse(rs.getString("started_at")), Times.parse(rs.getString("completed_at"))));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("reading attempts of task " + taskId, e);
        }
        return out;
    }
}
