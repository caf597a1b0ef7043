package io.hakuriver.api;

import java.util.List;
import java.util.Map;

/** One NUMA zone as a runner reports it: {"cores": [...], "memory_bytes": n}. */
public record NumaNode(List<Integer> cores, Long memoryBytes) {
    /** numa_topology of a /register: zone ids, cores and memory are numbers the Host later adds up and compares. */
    static void check(Problems p, Map<String, NumaNode> topology) {
        if (topology == null) return;
        for (var e : topology.entrySet()) {
            String where = "numa_topology." + e.getKey();
            if (!e.getKey().matches("\\d{1,4}") || Long.parseLong(e.getKey()) > Bounds.MAX_NUMA_ID) {
                p.add("numa_topology", "NUMA node ids must be integers between 0 and " + Bounds.MAX_NUMA_ID + " (got '" + e.getKey() + "')", "value_error");
                continue;
            }
            NumaNode z = e.getValue();
            if (z == null) { p.add(where, where + " must be an object", "dict_type"); continue; }
            p.range(where + ".memory_bytes", z.memoryBytes(), 0, Bounds.MAX_MEMORY_BYTES);
            if (z.cores() == null) continue;
            for (Integer c : z.cores()) {
                if (c == null || c < 0 || c > Bounds.MAX_CORES) {
                    p.add(where + ".cores", where + ".cores must be integers between 0 and " + Bounds.MAX_CORES, "value_error");
                    break;
                }
            }
        }
    }
}
