package io.hakuriver.store;

import com.fasterxml.jackson.core.type.TypeReference;
import io.hakuriver.api.GpuInfo;
import io.hakuriver.api.NumaNode;
import io.hakuriver.api.WireJson;
import io.hakuriver.api.WireReader;
import io.hakuriver.util.Json;
import io.hakuriver.util.Times;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Plain-JDBC access to the node table. Callers hold {@link Database#lock()}. */
public final class NodeStore {
    static final List<String> COLUMNS = List.of("hostname", "url", "total_cores", "last_heartbeat", "status", "cpu_percent",
            "memory_percent", "memory_used_bytes", "memory_total_bytes", "numa_topology", "max_tasks", "gpu_info",
            "gpu_shares_per_gpu", "gpu_error", "drain");
    private final Database db;
    private final String upsertSql;

    public NodeStore(Database db) {
        this.db = db;
        this.upsertSql = db.dialect().upsert("node", "hostname", COLUMNS);
    }

    public void save(NodeRecord n) {
        db.checkWritable();
        try (PreparedStatement ps = db.connection().prepareStatement(upsertSql)) {
            ps.setString(1, n.hostname);
            ps.setString(2, n.url);
            ps.setInt(3, n.totalCores);
            ps.setString(4, Times.format(n.lastHeartbeat));
            ps.setString(5, n.status);
            setD(ps, 6, n.cpuPercent);
            setD(ps, 7, n.memoryPercent);
            setL(ps, 8, n.memoryUsedBytes);
            setL(ps, 9, n.memoryTotalBytes);
            ps.setString(10, n.numaTopology == null ? null : Json.write(n.numaTopology));
            if (n.maxTasks == null) ps.setNull(11, Types.INTEGER); else ps.setInt(11, n.maxTasks);
            ps.setString(12, n.gpus == null || n.gpus.isEmpty() ? null : Json.write(n.gpus));
            if (n.gpuSharesPerGpu == null) ps.setNull(13, Types.INTEGER); else ps.setInt(13, n.gpuSharesPerGpu);
            ps.setString(14, n.gpuError);
            ps.setInt(15, n.drain ? 1 : 0);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("saving node " + n.hostname, e);
        }
    }

    public List<NodeRecord> all() {
        List<NodeRecord> out = new ArrayList<>();
        try (var st = db.connection().createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM node ORDER BY " + db.dialect().nodeOrder())) {
            while (rs.next()) {
                NodeRecord n = new NodeRecord();
                n.hostname = rs.getString("hostname");
                n.url = rs.getString("url");
                n.totalCores = rs.getInt("total_cores");
                n.lastHeartbeat = Times.parse(rs.getString("last_heartbeat"));
                n.status = rs.getString("status");
                double c = rs.getDouble("cpu_percent"); n.cpuPercent = rs.wasNull() ? null : c;
                double m = rs.getDouble("memory_percent"); n.memoryPercent = rs.wasNull() ? null : m;
                long u = rs.getLong("memory_used_bytes"); n.memoryUsedBytes = rs.wasNull() ? null : u;
                long t = rs.getLong("memory_total_bytes"); n.memoryTotalBytes = rs.wasNull() ? null : t;
                String numa = rs.getString("numa_topology");
                n.numaTopology = numa == null || numa.isBlank() ? null
                        : Json.MAPPER.convertValue(Json.tree(numa), new TypeReference<Map<String, NumaNode>>() {});
                int mt = rs.getInt("max_tasks"); n.maxTasks = rs.wasNull() ? null : mt;
                String gpus = rs.getString("gpu_info");
                n.gpus = gpus == null || gpus.isBlank() ? List.of() : gpus(gpus);
                int sh = rs.getInt("gpu_shares_per_gpu"); n.gpuSharesPerGpu = rs.wasNull() ? null : sh;
                n.gpuError = rs.getString("gpu_error");
                n.drain = rs.getInt("drain") != 0;
                out.add(n);
            }
        } catch (SQLException e) {
            throw new StoreException("reading nodes", e);
        }
        return out;
    }

    private static final WireReader<GpuInfo> GPU = WireReader.of(GpuInfo.class);

    /** gpu_info as stored: read as the Runner's heartbeat is, leniently (an old row's figures may be anything). */
    private static List<GpuInfo> gpus(String json) {
        try {
            if (!(WireJson.parse(json) instanceof List<?> list)) return List.of();
            List<GpuInfo> out = new ArrayList<>(list.size());
            for (Object g : list) out.add(GPU.read(g));
            return out;
        } catch (IOException | RuntimeException e) {
            throw new StoreException("reading gpu_info", new SQLException(e.getMessage(), e));
        }
    }

    private static void setD(PreparedStatement ps, int i, Double v) throws SQLException { if (v == null) ps.setNull(i, Types.REAL); else ps.setDouble(i, v); }
    private static void setL(PreparedStatement ps, int i, Long v) throws SQLException { if (v == null) ps.setNull(i, Types.INTEGER); else ps.setLong(i, v); }
}
