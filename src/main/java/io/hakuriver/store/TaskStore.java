package io.hakuriver.store;

import com.fasterxml.jackson.core.type.TypeReference;
import io.hakuriver.api.TaskStatus;
import io.hakuriver.util.Json;
import io.hakuriver.util.Times;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Plain-JDBC access to the task table. Callers hold {@link Database#lock()}. */
public final class TaskStore {
    private static final String COLUMNS = "task_id, batch_id, command, arguments, env_vars, required_cores, "
            + "required_memory_bytes, status, assigned_node_id, target_node, target_numa_node_id, stdout_path, "
            + "stderr_path, exit_code, error_message, submitted_at, started_at, completed_at, "
            + "assignment_suspicion_count, systemd_unit_name, container_name, docker_image_name, privileged, "
            + "additional_mounts, max_running, dispatch_attempts, required_gpus, gpu_count, gpu_share, assigned_gpus, "
            + "priority, depends_on, after_any, retries, retry_delay, retry_on, attempt, retry_at, notify_url";
    private final Database db;
    private final String upsertSql;
    private PreparedStatement upsert;

    public TaskStore(Database db) {
        this.db = db;
        this.upsertSql = db.dialect().upsert("task", "task_id", List.of(COLUMNS.split(", ")));
    }

    public void save(TaskRecord t) {
        db.checkWritable();
        try {
            Connection c = db.connection();
            if (upsert != null && upsert.getConnection() != c) dropStatement(); // the writer reconnected
            if (upsert == null) upsert = c.prepareStatement(upsertSql);
            bind(upsert, t);
            upsert.executeUpdate();
        } catch (SQLException e) {
            // a statement that failed (e.g. SQLITE_FULL) can stay unusable: prepare a fresh one next time
            dropStatement();
            throw new StoreException("saving task " + t.taskId, e);
        }
    }

    private void dropStatement() {
        if (upsert == null) return;
        try { upsert.close(); } catch (SQLException ignored) { }
        upsert = null;
    }

    /** Saves many rows in one transaction (a batch submission). */
    public void saveAll(List<TaskRecord> tasks) {
        db.inTransaction(() -> { for (TaskRecord t : tasks) save(t); return null; });
    }

    public Optional<TaskRecord> find(long id) {
        List<TaskRecord> l = query("SELECT " + COLUMNS + " FROM task WHERE task_id = ?", List.of(id));
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    public List<TaskRecord> nonFinal() {
        // lost tasks stay in memory: their runner may come back and report them (reconciliation)
        return query("SELECT " + COLUMNS + " FROM task WHERE status NOT IN ('completed','failed','killed','killed_oom') "
                + "ORDER BY task_id", List.of());
    }

    /** The first element of a batch that did not complete (its failure names a dependency's cause), if any. */
    public Optional<TaskRecord> firstNotCompleted(long batchId) {
        List<TaskRecord> l = query("SELECT " + COLUMNS + " FROM task WHERE batch_id = ? AND status != 'completed' ORDER BY task_id LIMIT 1",
                List.of(batchId));
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    /** How many tasks a batch has (one indexed count, asked once when a batch ends). */
    public long batchSize(long batchId) {
        try (PreparedStatement ps = db.connection().prepareStatement("SELECT COUNT(*) FROM task WHERE batch_id = ?")) {
            ps.setLong(1, batchId);
            try (ResultSet rs = ps.executeQuery()) { return rs.next() ? rs.getLong(1) : 0; }
        } catch (SQLException e) { throw new StoreException("counting batch " + batchId, e); }
    }

    /** A batch's elements per status. */
    public Map<String, Long> batchCounts(long batchId) {
        Map<String, Long> out = new java.util.TreeMap<>();
        try (PreparedStatement ps = db.connection().prepareStatement("SELECT status, COUNT(*) FROM task WHERE batch_id = ? GROUP BY status")) {
            ps.setLong(1, batchId);
            try (ResultSet rs = ps.executeQuery()) { while (rs.next()) out.put(rs.getString(1), rs.getLong(2)); }
        } catch (SQLException e) { throw new StoreException("counting batch " + batchId, e); }
        return out;
    }

    /** Up to {@code limit} elements of a batch that did not complete, oldest first. */
    public List<TaskRecord> notCompleted(long batchId, int limit) {
        return query("SELECT " + COLUMNS + " FROM task WHERE batch_id = ? AND status != 'completed' ORDER BY task_id LIMIT " + limit, List.of(batchId));
    }

    public long maxId() {
        try (var st = db.connection().createStatement(); var rs = st.executeQuery("SELECT MAX(task_id) FROM task")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) { throw new StoreException("reading max id", e); }
    }

    /** Filtered listing, newest first. */
    public List<TaskRecord> list(TaskFilter f) {
        List<TaskRecord> out = new ArrayList<>();
        forEach(db.connection(), f, out::add);
        return out;
    }

    /** One row at a time, newest first, so a listing of any size needs memory for one row only. */
    public interface RowSink { void accept(TaskRecord t) throws java.io.IOException; }

    public static void forEach(Connection c, TaskFilter f, RowSink sink) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM task");
        List<Object> args = new ArrayList<>();
        Dialect d = Dialect.of(c);
        String where = f.where(args, d);
        if (!where.isEmpty()) sql.append(" WHERE ").append(where);
        sql.append(" ORDER BY task_id DESC");
        if (f.limit() != null) { sql.append(" LIMIT ?"); args.add(f.limit()); }
        if (f.offset() != null) { if (f.limit() == null) sql.append(d.offsetWithoutLimit()); sql.append(" OFFSET ?"); args.add(f.offset()); }
        each(c, sql.toString(), args, sink);
    }

    private static void each(Connection c, String sql, List<Object> args, RowSink sink) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bindAll(ps, args);
            ps.setFetchSize(500); // PostgreSQL streams in chunks (on a reader, which is in a transaction) instead of loading all rows
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) sink.accept(read(rs));
            }
        } catch (SQLException e) {
            throw new StoreException("reading tasks", e);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Stored tasks per status, on the given connection (a reader: outside the state lock). */
    public static Map<String, Long> countByStatus(Connection c) {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT status, COUNT(*) FROM task GROUP BY status")) {
            while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
        } catch (SQLException e) { throw new StoreException("counting tasks by status", e); }
        return out;
    }

    public long count(TaskFilter f) { return count(db.connection(), f); }

    /** Counts on the given connection (e.g. a {@link Database#openReader() reader}). */
    public static long count(Connection c, TaskFilter f) {
        List<Object> args = new ArrayList<>();
        String where = f.where(args, Dialect.of(c));
        String sql = "SELECT COUNT(*) FROM task" + (where.isEmpty() ? "" : " WHERE " + where);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bindAll(ps, args);
            try (ResultSet rs = ps.executeQuery()) { return rs.next() ? rs.getLong(1) : 0; }
        } catch (SQLException e) { throw new StoreException("counting tasks", e); }
    }

    private List<TaskRecord> query(String sql, List<Object> args) {
        List<TaskRecord> out = new ArrayList<>();
        each(db.connection(), sql, args, out::add);
        return out;
    }

    private static void bindAll(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) ps.setObject(i + 1, args.get(i));
    }

    private static void bind(PreparedStatement ps, TaskRecord t) throws SQLException {
        int i = 1;
        ps.setLong(i++, t.taskId);
        setLong(ps, i++, t.batchId);
        ps.setString(i++, t.command);
        ps.setString(i++, Json.write(t.arguments == null ? List.of() : t.arguments));
        ps.setString(i++, Json.write(t.envVars == null ? Map.of() : t.envVars));
        ps.setInt(i++, t.requiredCores);
        setLong(ps, i++, t.requiredMemoryBytes);
        ps.setString(i++, t.status.wire());
        ps.setString(i++, t.assignedNode);
        ps.setString(i++, t.targetNode);
        setInt(ps, i++, t.targetNumaNodeId);
        ps.setString(i++, t.stdoutPath);
        ps.setString(i++, t.stderrPath);
        setInt(ps, i++, t.exitCode);
        ps.setString(i++, t.errorMessage);
        ps.setString(i++, Times.format(t.submittedAt));
        ps.setString(i++, Times.format(t.startedAt));
        ps.setString(i++, Times.format(t.completedAt));
        ps.setInt(i++, t.assignmentSuspicionCount);
        ps.setString(i++, t.systemdUnitName);
        ps.setString(i++, t.containerName);
        ps.setString(i++, t.dockerImageName);
        if (t.privileged == null) ps.setNull(i++, Types.INTEGER); else ps.setInt(i++, t.privileged ? 1 : 0);
        ps.setString(i++, t.additionalMounts == null ? null : Json.write(t.additionalMounts));
        setInt(ps, i++, t.maxRunning);
        ps.setInt(i++, t.dispatchAttempts);
        ps.setString(i++, t.requiredGpus == null ? null : Json.write(t.requiredGpus));
        ps.setInt(i++, t.gpuCount);
        ps.setInt(i++, t.gpuShare ? 1 : 0);
        ps.setString(i++, t.assignedGpus == null ? null : Json.write(t.assignedGpus));
        ps.setInt(i++, t.priority);
        ps.setString(i++, t.dependsOn == null ? null : Json.write(t.dependsOn));
        ps.setInt(i++, t.afterAny ? 1 : 0);
        ps.setInt(i++, t.retries);
        ps.setInt(i++, t.retryDelay);
        ps.setString(i++, t.retryOn == null ? null : Json.write(t.retryOn));
        ps.setInt(i++, t.attempt);
        ps.setString(i++, Times.format(t.retryAt));
        ps.setString(i, t.notifyUrl);
    }

    private static TaskRecord read(ResultSet rs) throws SQLException {
        TaskRecord t = new TaskRecord();
        t.taskId = rs.getLong("task_id");
        t.batchId = getLong(rs, "batch_id");
        t.command = rs.getString("command");
        t.arguments = Json.MAPPER.convertValue(Json.tree(rs.getString("arguments")), new TypeReference<List<String>>() {});
        String env = rs.getString("env_vars");
        var envNode = Json.tree(env == null ? "{}" : env);
        t.envVars = envNode.isObject() ? Json.MAPPER.convertValue(envNode, new TypeReference<Map<String, String>>() {}) : Map.of();
        t.requiredCores = rs.getInt("required_cores");
        t.requiredMemoryBytes = getLong(rs, "required_memory_bytes");
        t.status = TaskStatus.parse(rs.getString("status"));
        t.assignedNode = rs.getString("assigned_node_id");
        t.targetNode = rs.getString("target_node");
        t.targetNumaNodeId = getInt(rs, "target_numa_node_id");
        t.stdoutPath = rs.getString("stdout_path");
        t.stderrPath = rs.getString("stderr_path");
        t.exitCode = getInt(rs, "exit_code");
        t.errorMessage = rs.getString("error_message");
        t.submittedAt = Times.parse(rs.getString("submitted_at"));
        t.startedAt = Times.parse(rs.getString("started_at"));
        t.completedAt = Times.parse(rs.getString("completed_at"));
        t.assignmentSuspicionCount = rs.getInt("assignment_suspicion_count");
        t.systemdUnitName = rs.getString("systemd_unit_name");
        t.containerName = rs.getString("container_name");
        t.dockerImageName = rs.getString("docker_image_name");
        Integer p = getInt(rs, "privileged");
        t.privileged = p == null ? null : p != 0;
        String m = rs.getString("additional_mounts");
        t.additionalMounts = m == null ? null : Json.MAPPER.convertValue(Json.tree(m), new TypeReference<List<String>>() {});
        t.maxRunning = getInt(rs, "max_running");
        t.dispatchAttempts = rs.getInt("dispatch_attempts");
        t.requiredGpus = ints(rs.getString("required_gpus"));
        t.gpuCount = rs.getInt("gpu_count");
        t.gpuShare = rs.getInt("gpu_share") != 0;
        t.assignedGpus = ints(rs.getString("assigned_gpus"));
        t.priority = rs.getInt("priority");
        String deps = rs.getString("depends_on");
        t.dependsOn = deps == null ? null : Json.MAPPER.convertValue(Json.tree(deps), long[].class);
        t.afterAny = rs.getInt("after_any") != 0;
        t.retries = rs.getInt("retries");
        t.retryDelay = rs.getInt("retry_delay");
        String on = rs.getString("retry_on");
        t.retryOn = on == null ? null : Json.MAPPER.convertValue(Json.tree(on), int[].class);
        t.attempt = Math.max(1, rs.getInt("attempt"));
        t.retryAt = Times.parse(rs.getString("retry_at"));
        t.notifyUrl = rs.getString("notify_url");
        return t;
    }

    private static List<Integer> ints(String json) {
        return json == null ? null : Json.MAPPER.convertValue(Json.tree(json), new TypeReference<List<Integer>>() {});
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) ps.setNull(i, Types.INTEGER); else ps.setLong(i, v);
    }
    private static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) ps.setNull(i, Types.INTEGER); else ps.setInt(i, v);
    }
    private static Long getLong(ResultSet rs, String c) throws SQLException { long v = rs.getLong(c); return rs.wasNull() ? null : v; }
    private static Integer getInt(ResultSet rs, String c) throws SQLException { int v = rs.getInt(c); return rs.wasNull() ? null : v; }
}
