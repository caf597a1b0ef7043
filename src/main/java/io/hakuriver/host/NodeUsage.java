package io.hakuriver.host;

import java.util.HashMap;
import java.util.Map;

/** Cores and memory reserved on one node by tasks in assigning/running/paused, kept incrementally. */
final class NodeUsage {
    int cores;
    long memory;
    final Map<Integer, Integer> numaCores = new HashMap<>();
    final Map<Integer, Long> numaMemory = new HashMap<>();

    void add(int c, long mem, Integer numa, int sign) {
        cores += sign * c;
        memory += sign * mem;
        if (numa != null) {
            numaCores.merge(numa, sign * c, Integer::sum);
            numaMemory.merge(numa, sign * mem, Long::sum);
        }
    }
}
