package io.hakuriver.store;

import io.hakuriver.api.GpuInfo;
import io.hakuriver.api.NumaNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One node row (a registered Runner). */
public final class NodeRecord {
    public String hostname;
    public String url;
    public int totalCores;
    public Instant lastHeartbeat;
    public String status; // online / offline
    public Double cpuPercent;
    public Double memoryPercent;
    public Long memoryUsedBytes;
    public Long memoryTotalBytes;
    public Map<String, NumaNode> numaTopology;
    /** Most tasks the node runs at once, as its Runner announced it; null for runners that do not (the original). */
    public Integer maxTasks;
    /** GPUs its Runner reported (registration, then every heartbeat); empty for a node without (or an original Runner). */
    public List<GpuInfo> gpus = List.of();
    /** [gpu] shares_per_gpu of its Runner; null = 1 (an original Runner). */
    public Integer gpuSharesPerGpu;
    /** Why the node has no GPUs (nvidia-smi missing or failing), as its Runner said; null otherwise. */
    public String gpuError;

    public int sharesPerGpu() { return gpuSharesPerGpu == null || gpuSharesPerGpu < 1 ? 1 : gpuSharesPerGpu; }

    public GpuInfo gpu(int id) {
        for (GpuInfo g : gpus) if (g.gpuId() == id) return g;
        return null;
    }
    /**
     * Drained by an operator: takes no new tasks, its running ones finish. Owned by the Host, separate from
     * {@link #status} (which registrations and heartbeats set), so no heartbeat or restart undoes it.
     */
    public boolean drain;
    /**
     * Not stored: its Runner said in its registration or last heartbeat that it takes starts marked
     * {@code when_room} (ours; false for an original Runner).
     */
    public boolean startsWhenRoom;
    /** Not stored: status updates its Runner has not delivered yet, as of its last heartbeat (null if it never said). */
    public Integer pendingUpdates;

    public boolean online() { return "online".equals(status); }

    /** A snapshot for readers outside the Host's state lock. */
    public NodeRecord copy() {
        NodeRecord n = new NodeRecord();
        n.hostname = hostname; n.url = url; n.totalCores = totalCores; n.lastHeartbeat = lastHeartbeat; n.status = status;
        n.cpuPercent = cpuPercent; n.memoryPercent = memoryPercent; n.memoryUsedBytes = memoryUsedBytes;
        n.memoryTotalBytes = memoryTotalBytes; n.numaTopology = numaTopology; n.maxTasks = maxTasks;
        n.gpus = gpus; n.gpuSharesPerGpu = gpuSharesPerGpu; n.gpuError = gpuError;
        n.drain = drain; n.pendingUpdates = pendingUpdates; n.startsWhenRoom = startsWhenRoom;
        return n;
    }
}
