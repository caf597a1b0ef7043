package io.hakuriver.host;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * What one node is using right now, kept incrementally: cores and memory reserved by tasks in
 * assigning/running/paused, how many tasks that is, how many task starts are in flight to its Runner, and until
 * when the node should not be sent new starts (its Runner said it is busy).
 */
final class NodeUsage {
    int cores;
    long memory;
    int tasks;
    int inFlight;
    Instant deferredUntil;
    final Map<Integer, Integer> numaCores = new HashMap<>();
    final Map<Integer, Long> numaMemory = new HashMap<>();

    void add(int c, long mem, Integer numa, int sign) {
        cores += sign * c;
        memory += sign * mem;
        tasks += sign;
        if (numa != null) {
            numaCores.merge(numa, sign * c, Integer::sum);
            numaMemory.merge(numa, sign * mem, Long::sum);
        }
    }

    boolean deferred(Instant now) { return deferredUntil != null && now.isBefore(deferredUntil); }
}
