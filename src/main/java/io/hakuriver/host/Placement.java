package io.hakuriver.host;

import io.hakuriver.api.NumaNode;
import io.hakuriver.store.NodeRecord;
import io.hakuriver.store.TaskRecord;

import java.util.Collection;

/**
 * Where a task may go. Pure functions over a node, its current reservations and the request, so the policy is
 * unit-testable. Policy for auto-selection: best fit — among online nodes with enough free cores and memory, the
 * one with the fewest free cores (ties: the first registered), which keeps large nodes free for large tasks.
 */
public final class Placement {
    private Placement() {}

    /** Why the request can never run on this node (bigger than the node), or null when it could. */
    public static String neverFits(NodeRecord n, int cores, long memory, Integer numa) {
        if (cores > n.totalCores) return "Requested " + cores + " cores but node has only " + n.totalCores;
        Long total = n.memoryTotalBytes;
        if (memory > 0 && total != null && memory > total) {
            return "Requested " + memory + " bytes of memory but node has only " + total;
        }
        if (numa != null) {
            NumaNode z = n.numaTopology == null ? null : n.numaTopology.get(String.valueOf(numa));
            if (z != null && z.cores() != null && cores > z.cores().size()) {
                return "Requested " + cores + " cores but NUMA node " + numa + " has only " + z.cores().size();
            }
            if (z != null && z.memoryBytes() != null && memory > z.memoryBytes()) {
                return "Requested " + memory + " bytes of memory but NUMA node " + numa + " has only " + z.memoryBytes();
            }
        }
        return null;
    }

    /** Whether the task fits the node's free capacity right now. */
    static boolean fitsNow(NodeRecord n, NodeUsage u, int cores, long memory, Integer numa) {
        if (!n.online()) return false;
        if (cores > 0 && u.cores + cores > n.totalCores) return false;
        Long total = n.memoryTotalBytes;
        if (memory > 0 && total != null && u.memory + memory > total) return false;
        if (numa != null && n.numaTopology != null) {
            NumaNode z = n.numaTopology.get(String.valueOf(numa));
            if (z != null && z.cores() != null && cores > 0
                    && u.numaCores.getOrDefault(numa, 0) + cores > z.cores().size()) return false;
            if (z != null && z.memoryBytes() != null && memory > 0
                    && u.numaMemory.getOrDefault(numa, 0L) + memory > z.memoryBytes()) return false;
        }
        return true;
    }

    static int freeCores(NodeRecord n, NodeUsage u) { return n.totalCores - u.cores; }

    /** Most tasks a node runs at once: what its Runner announced, else 4 per core and at least 8. */
    public static int maxTasks(NodeRecord n) {
        return n.maxTasks != null && n.maxTasks > 0 ? n.maxTasks : io.hakuriver.config.HakuConfig.autoMaxTasks(n.totalCores);
    }

    /**
     * Whether the node may be sent another task start now, whatever its size: online, not drained, below its task
     * limit (which bounds 0-core tasks too), below the dispatch window of unanswered starts, and not deferred after a
     * "busy".
     */
    static boolean hasRoom(NodeRecord n, NodeUsage u, int window, java.time.Instant now) {
        return n.online() && !n.drain && u.tasks < maxTasks(n) && u.inFlight < window && !u.deferred(now);
    }

    /** Best-fit choice for a task without target, or null when no node has room now. */
    static NodeRecord bestFit(Collection<NodeRecord> nodes, java.util.function.Function<String, NodeUsage> usage, TaskRecord t,
                              int window, java.time.Instant now) {
        NodeRecord best = null;
        int bestFree = Integer.MAX_VALUE;
        for (NodeRecord n : nodes) {
            NodeUsage u = usage.apply(n.hostname);
            if (!hasRoom(n, u, window, now) || !fitsNow(n, u, t.requiredCores, t.memoryOrZero(), null)) continue;
            int free = freeCores(n, u);
            if (free < bestFree) { best = n; bestFree = free; }
        }
        return best;
    }
}
