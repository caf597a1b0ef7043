package io.hakuriver.api;

import java.util.List;
import java.util.Map;

/**
 * POST /register (runner → host). numa_topology keys are NUMA ids as strings. max_tasks (ours; an original Host
 * ignores it) is how many tasks this node runs at once, so the Host sends no more than that. gpu_info is
 * KohakuRiver's field; gpu_shares_per_gpu ([gpu] shares_per_gpu) and gpu_error (why the node reports no GPUs) are
 * ours. An original Host ignores all three.
 */
public record RegisterRequest(String hostname, Integer totalCores, Long totalRamBytes, String runnerUrl,
                              Map<String, NumaNode> numaTopology, Integer maxTasks,
                              List<GpuInfo> gpuInfo, Integer gpuSharesPerGpu, String gpuError) {
    /** A node without GPU facts (an original Runner, or a test). */
    public RegisterRequest(String hostname, Integer totalCores, Long totalRamBytes, String runnerUrl,
                           Map<String, NumaNode> numaTopology, Integer maxTasks) {
        this(hostname, totalCores, totalRamBytes, runnerUrl, numaTopology, maxTasks, null, null, null);
    }
}
