package io.hakuriver.api;

import java.util.Map;

/**
 * POST /register (runner → host). numa_topology keys are NUMA ids as strings. max_tasks (ours; an original Host
 * ignores it) is how many tasks this node runs at once, so the Host sends no more than that.
 */
public record RegisterRequest(String hostname, Integer totalCores, Long totalRamBytes, String runnerUrl,
                              Map<String, NumaNode> numaTopology, Integer maxTasks) {}
