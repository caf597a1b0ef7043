package io.hakuriver.host;

import io.hakuriver.store.NodeRecord;
import io.hakuriver.util.Times;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One sample a second of every node and of the cluster, 60 kept (GET /health). Aggregates are computed over
 * online nodes only; any error in one round is logged and the next round runs anyway (the original's sampler
 * died on zero nodes or missing NUMA data and never came back).
 */
final class HealthSampler {
    private static final Logger log = LoggerFactory.getLogger(HealthSampler.class);
    static final int HISTORY = 60;

    private final HostCore core;
    private final ArrayDeque<List<Map<String, Object>>> nodeSamples = new ArrayDeque<>();
    private final ArrayDeque<Map<String, Object>> aggregates = new ArrayDeque<>();

    HealthSampler(HostCore core) { this.core = core; }

    void sampleSafely() {
        try { sample(); } catch (RuntimeException e) { log.warn("health sample failed (will retry): {}", e.toString()); }
    }

    void sample() {
        List<Map<String, Object>> perNode = new ArrayList<>();
        int total = 0, online = 0, cores = 0;
        long totalMem = 0, usedMem = 0;
        double cpuWeighted = 0;
        int cpuCores = 0;
        Instant newest = null;
        for (NodeRecord n : core.nodeSnapshot()) {
            total++;
            perNode.add(Views.healthSample(n));
            if (!n.online()) continue;
            online++;
            cores += n.totalCores;
            if (n.memoryTotalBytes != null) totalMem += n.memoryTotalBytes;
            if (n.memoryUsedBytes != null) usedMem += n.memoryUsedBytes;
            if (n.cpuPercent != null) { cpuWeighted += n.cpuPercent * n.totalCores; cpuCores += n.totalCores; }
            if (n.lastHeartbeat != null && (newest == null || n.lastHeartbeat.isAfter(newest))) newest = n.lastHeartbeat;
        }
        Instant now = Instant.now();
        Map<String, Object> agg = new LinkedHashMap<>();
        agg.put("totalNodes", total);
        agg.put("onlineNodes", online);
        agg.put("totalCores", cores);
        agg.put("totalMemBytes", totalMem);
        agg.put("usedMemBytes", usedMem);
        agg.put("avgCpuPercent", cpuCores == 0 ? 0.0 : round(cpuWeighted / cpuCores));
        agg.put("avgMemPercent", totalMem == 0 ? 0.0 : round(usedMem * 100.0 / totalMem));
        agg.put("lastUpdated", Times.format(newest != null && newest.isAfter(now) ? newest : now));
        synchronized (this) {
            nodeSamples.addLast(perNode);
            aggregates.addLast(agg);
            while (nodeSamples.size() > HISTORY) nodeSamples.removeFirst();
            while (aggregates.size() > HISTORY) aggregates.removeFirst();
        }
    }

    private static double round(double v) { return Math.round(v * 100.0) / 100.0; }

    /** The /health payload; {@code hostname} keeps only that node's samples (same nesting). */
    synchronized Map<String, Object> snapshot(String hostname) {
        List<List<Map<String, Object>>> nodes = new ArrayList<>();
        for (List<Map<String, Object>> s : nodeSamples) {
            if (hostname == null) nodes.add(s);
            else nodes.add(s.stream().filter(m -> hostname.equals(m.get("hostname"))).toList());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("nodes", nodes);
        out.put("aggregate", new ArrayList<>(aggregates));
        return out;
    }
}
