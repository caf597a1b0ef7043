package io.hakuriver.api;

import java.util.List;

/** One NUMA zone as a runner reports it: {"cores": [...], "memory_bytes": n}. */
public record NumaNode(List<Integer> cores, Long memoryBytes) {}
