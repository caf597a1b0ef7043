package io.hakuriver.host;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one node is using right now, kept incrementally: cores and memory reserved by tasks in
 * assigning/running/paused, how many tasks that is, how many task starts are in flight to its Runner, and until
 * when the node should not be sent new starts (its Runner said it is busy), and who holds each of its GPUs.
 */
final class NodeUsage {
    int cores;
    long memory;
    int tasks;
    int inFlight;
    Instant deferredUntil;
    /**
     * Tasks placed here to start when room frees ({@code when_room}), in the order the Runner starts them; what
     * they will need; and when a short task last ended here (only such a node is given them).
     */
    final java.util.ArrayDeque<io.hakuriver.store.TaskRecord> whenRoom = new java.util.ArrayDeque<>();
    int whenRoomCores;
    long whenRoomMemory;
    long lastShortEndMillis = Long.MIN_VALUE / 2;
    final Map<Integer, Integer> numaCores = new HashMap<>();
    final Map<Integer, Long> numaMemory = new HashMap<>();
    /** Per GPU id: how many sharing tasks hold it, and whether a non-sharing task has it to itself. */
    final Map<Integer, Integer> gpuShared = new HashMap<>();
    final Map<Integer, Integer> gpuExclusive = new HashMap<>();

    void holdGpus(List<Integer> ids, boolean share, int sign) {
        if (ids == null) return;
        Map<Integer, Integer> m = share ? gpuShared : gpuExclusive;
        for (int id : ids) {
            int v = m.getOrDefault(id, 0) + sign;
            if (v <= 0) m.remove(id); else m.put(id, v);
        }
    }

    int sharesUsed(int id) { return gpuShared.getOrDefault(id, 0); }
    boolean heldExclusively(int id) { return gpuExclusive.getOrDefault(id, 0) > 0; }
    boolean gpuIdle(int id) { return !heldExclusively(id) && sharesUsed(id) == 0; }

    /** Whether one more task may take this GPU: a non-sharing task needs it idle, a sharing one a free share. */
    boolean gpuFreeFor(int id, boolean share, int sharesPerGpu) {
        if (heldExclusively(id)) return false;
        return share ? sharesUsed(id) < sharesPerGpu : sharesUsed(id) == 0;
    }

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
