package io.hakuriver.host;

import io.hakuriver.api.NumaNode;
import io.hakuriver.store.NodeRecord;
import io.hakuriver.store.TaskRecord;

import io.hakuriver.api.GpuIds;
import io.hakuriver.api.GpuInfo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Where a task may go. Pure functions over a node, its current reservations and the request, so the policy is
 * unit-testable. Policy for auto-selection: best fit — among online nodes with enough free cores and memory, the
 * one with the fewest free cores (ties: the first registered), which keeps large nodes free for large tasks.
 * GPUs are reserved by id: a task holds exactly the GPUs it was given, alone or (asked for and allowed by the node's
 * shares_per_gpu) shared with other sharing tasks.
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

    /**
     * Best-fit choice for a task without target, or null when no node has room now. A GPU task goes to the node
     * with the fewest GPUs left that it can use (then fewest free cores), so a node with many free GPUs stays free
     * for a task that needs many.
     */
    static NodeRecord bestFit(Collection<NodeRecord> nodes, java.util.function.Function<String, NodeUsage> usage, TaskRecord t,
                              int window, java.time.Instant now) {
        NodeRecord best = null;
        int bestFree = Integer.MAX_VALUE, bestFreeGpus = Integer.MAX_VALUE;
        for (NodeRecord n : nodes) {
            NodeUsage u = usage.apply(n.hostname);
            if (!hasRoom(n, u, window, now) || !fitsNow(n, u, t.requiredCores, t.memoryOrZero(), null)) continue;
            if (t.wantsGpus() && gpusNow(n, u, t) == null) continue;
            int free = freeCores(n, u);
            int freeGpus = t.wantsGpus() ? usableGpus(n, u, t.gpuShare) : 0;
            if (freeGpus < bestFreeGpus || (freeGpus == bestFreeGpus && free < bestFree)) { best = n; bestFree = free; bestFreeGpus = freeGpus; }
        }
        return best;
    }

    // ---- GPUs: per-id, non-fungible (like Slurm's GRES) ----

    /**
     * Why a GPU request can never be met on this node — it has no GPUs, not these ids, or fewer than asked — naming
     * the node and the ids; null when it could (now or later).
     */
    public static String neverFitsGpus(NodeRecord n, List<Integer> ids, int count) {
        if (count <= 0) return null;
        List<Integer> have = gpuIds(n);
        if (have.isEmpty()) {
            return "Node " + n.hostname + " has no GPUs" + (n.gpuError != null ? " (" + n.gpuError + ")" : "")
                    + (ids != null ? "; requested GPU " + GpuIds.format(ids) : "; requested " + count + " GPU" + (count == 1 ? "" : "s"));
        }
        if (ids != null) {
            List<Integer> unknown = ids.stream().filter(id -> !have.contains(id)).toList();
            if (!unknown.isEmpty()) {
                return "Node " + n.hostname + " has no GPU " + GpuIds.format(unknown) + " (its GPUs: " + GpuIds.format(have) + ")";
            }
        }
        if (count > have.size()) {
            return "Requested " + count + " GPUs but node " + n.hostname + " has only " + have.size() + " (GPUs " + GpuIds.format(have) + ")";
        }
        return null;
    }

    static List<Integer> gpuIds(NodeRecord n) {
        List<Integer> out = new ArrayList<>();
        if (n.gpus != null) for (GpuInfo g : n.gpus) out.add(g.gpuId());
        return out;
    }

    /** GPUs of the node one more task of this kind could take now. */
    static int usableGpus(NodeRecord n, NodeUsage u, boolean share) {
        int free = 0;
        for (int id : gpuIds(n)) if (u.gpuFreeFor(id, share, n.sharesPerGpu())) free++;
        return free;
    }

    /**
     * The GPU ids to give the task on this node now: the ids it named, if each is free for it; otherwise the lowest
     * free ids, a sharing task first joining GPUs that other sharing tasks already use (so whole GPUs stay free).
     * Empty for a task without GPUs; null when its GPUs are not free now (it waits in the queue).
     */
    static List<Integer> gpusNow(NodeRecord n, NodeUsage u, TaskRecord t) {
        if (!t.wantsGpus()) return List.of();
        int shares = n.sharesPerGpu();
        List<Integer> have = gpuIds(n);
        if (t.requiredGpus != null) {
            for (int id : t.requiredGpus) if (!have.contains(id) || !u.gpuFreeFor(id, t.gpuShare, shares)) return null;
            return List.copyOf(t.requiredGpus);
        }
        List<Integer> candidates = new ArrayList<>();
        for (int id : have) if (u.gpuFreeFor(id, t.gpuShare, shares)) candidates.add(id);
        if (candidates.size() < t.gpuCount) return null;
        if (t.gpuShare) candidates.sort(Comparator.comparingInt((Integer id) -> -u.sharesUsed(id)).thenComparingInt(id -> id));
        else candidates.sort(Comparator.naturalOrder());
        List<Integer> picked = new ArrayList<>(candidates.subList(0, t.gpuCount));
        picked.sort(Comparator.naturalOrder());
        return picked;
    }
}
