package io.hakuriver.api;

import java.util.Map;

/** POST /register (runner → host). numa_topology keys are NUMA ids as strings. */
public record RegisterRequest(String hostname, Integer totalCores, Long totalRamBytes, String runnerUrl,
                              Map<String, NumaNode> numaTopology) {}
