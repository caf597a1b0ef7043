package io.hakuriver.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * POST /register (runner → host). numa_topology keys are NUMA ids as strings. max_tasks (ours; an original Host
 * ignores it) is how many tasks this node runs at once, so the Host sends no more than that. gpu_info is
 * KohakuRiver's field; gpu_shares_per_gpu ([gpu] shares_per_gpu) and gpu_error (why the node reports no GPUs) are
 * ours. An original Host ignores all three.
 */
public record RegisterRequest(String hostname, Integer totalCores, Long totalRamBytes, String runnerUrl,
                              Map<String, NumaNode> numaTopology, Integer maxTasks,
                              List<GpuInfo> gpuInfo, Integer gpuSharesPerGpu, String gpuError,
                              @JsonInclude(JsonInclude.Include.NON_NULL) Boolean startsWhenRoom) {
    /** A node's name: a path segment of /heartbeat/{hostname} and a file name part, so nothing that could escape. */
    public static final Pattern NODE_NAME = Pattern.compile("^[A-Za-z0-9._-]{1,253}$");
    private static final Pattern URL = Pattern.compile("^https?://[^\\s/]+(/.*)?$");

    public RegisterRequest {
        Problems p = new Problems();
        p.required("hostname", hostname);
        if (hostname != null && !NODE_NAME.matcher(hostname).matches()) p.add("hostname", "Invalid hostname '" + hostname + "'", "value_error");
        p.required("total_cores", totalCores);
        p.range("total_cores", totalCores, 0, Bounds.MAX_CORES);
        p.required("total_ram_bytes", totalRamBytes);
        p.range("total_ram_bytes", totalRamBytes, 0, Bounds.MAX_MEMORY_BYTES);
        p.required("runner_url", runnerUrl);
        if (runnerUrl != null && !URL.matcher(runnerUrl).matches()) p.add("runner_url", "runner_url must be an http(s) URL", "value_error");
        NumaNode.check(p, numaTopology);
        p.range("max_tasks", maxTasks, 0, Bounds.MAX_TASKS);
        GpuInfo.check(p, gpuInfo);
        p.range("gpu_shares_per_gpu", gpuSharesPerGpu, 1, 64);
        p.throwIfAny();
        gpuError = GpuInfo.oneLine(gpuError);
    }

    /** A node without GPU facts (an original Runner, or a test). */
    public RegisterRequest(String hostname, Integer totalCores, Long totalRamBytes, String runnerUrl,
                           Map<String, NumaNode> numaTopology, Integer maxTasks) {
        this(hostname, totalCores, totalRamBytes, runnerUrl, numaTopology, maxTasks, null, null, null);
    }

    public RegisterRequest(String hostname, Integer totalCores, Long totalRamBytes, String runnerUrl,
                           Map<String, NumaNode> numaTopology, Integer maxTasks,
                           List<GpuInfo> gpuInfo, Integer gpuSharesPerGpu, String gpuError) {
        this(hostname, totalCores, totalRamBytes, runnerUrl, numaTopology, maxTasks, gpuInfo, gpuSharesPerGpu, gpuError, null);
    }

    /** Whether the Runner takes starts marked {@code when_room} (ours; absent from an original Runner). */
    public boolean takesStartsWhenRoom() { return Boolean.TRUE.equals(startsWhenRoom); }
}
