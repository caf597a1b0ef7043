package io.hakuriver.host;

import io.hakuriver.store.NodeRecord;
import io.hakuriver.store.TaskRecord;
import io.hakuriver.util.Times;

import com.fasterxml.jackson.core.type.TypeReference;
import io.hakuriver.api.GpuInfo;
import io.hakuriver.util.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Client-facing JSON shapes (spec §3.2.2 and §3.2.7): ids as decimal strings, field names exactly as the original. */
public final class Views {
    private Views() {}

    public static Map<String, Object> task(TaskRecord t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task_id", String.valueOf(t.taskId));
        m.put("batch_id", t.batchId == null ? null : String.valueOf(t.batchId));
        m.put("command", t.command);
        m.put("arguments", t.arguments);
        m.put("env_vars", t.envVars);
        m.put("required_cores", t.requiredCores);
        m.put("required_memory_bytes", t.requiredMemoryBytes);
        m.put("status", t.status.wire());
        m.put("assigned_node", t.assignedNode);
        m.put("target_numa_node_id", t.targetNumaNodeId);
        m.put("stdout_path", t.stdoutPath);
        m.put("stderr_path", t.stderrPath);
        m.put("exit_code", t.exitCode);
        m.put("error_message", t.errorMessage);
        m.put("submitted_at", Times.format(t.submittedAt));
        m.put("started_at", Times.format(t.startedAt));
        m.put("completed_at", Times.format(t.completedAt));
        m.put("systemd_unit_name", t.systemdUnitName);
        m.put("assignment_suspicion_count", t.assignmentSuspicionCount);
        // additions (harmless to old clients)
        m.put("assigned_node_hostname", t.assignedNode);
        m.put("target_node", t.targetNode);
        m.put("container_name", t.containerName);
        m.put("docker_image_name", t.dockerImageName);
        m.put("privileged", t.privileged);
        m.put("additional_mounts", t.additionalMounts);
        m.put("max_running", t.maxRunning);
        m.put("dispatch_attempts", t.dispatchAttempts); // starts a runner could not take (busy, restarting): queued again
        m.put("required_gpus", t.requiredGpus == null ? List.of() : t.requiredGpus); // ids named (KohakuRiver's field)
        m.put("gpu_count", t.gpuCount);
        m.put("gpu_share", t.gpuShare);
        // a task queued again keeps its last ids internally (its Runner may still run it there); not shown as held
        m.put("assigned_gpus", t.status == io.hakuriver.api.TaskStatus.PENDING ? null : t.assignedGpus);
        m.put("priority", t.priority);
        List<String> deps = null;
        if (t.dependsOn != null) { deps = new java.util.ArrayList<>(); for (long d : t.dependsOn) deps.add(String.valueOf(d)); }
        m.put("depends_on", deps); // while it waits, error_message says on which (every client shows that field)
        m.put("dependency_mode", t.dependsOn == null ? null : t.afterAny ? "after_any" : "after");
        m.put("attempt", t.attempt);
        m.put("retries", t.retries);
        m.put("retry_delay", t.retries == 0 ? null : t.retryDelay);
        List<Integer> on = null;
        if (t.retryOn != null) { on = new java.util.ArrayList<>(); for (int c : t.retryOn) on.add(c); }
        m.put("retry_on", on);
        m.put("retry_at", Times.format(t.retryAt));
        m.put("notify", t.notifyUrl != null); // the URL itself is not shown: a web hook's path is often its secret
        return m;
    }

    /** Earlier attempts of a retried task, as /status shows them: each with its node, outcome and own logs. */
    static List<Map<String, Object>> attempts(TaskRecord t, List<io.hakuriver.store.AttemptRecord> earlier) {
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (var a : earlier) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("attempt", a.attempt());
            m.put("node", a.node());
            m.put("status", a.status());
            m.put("exit_code", a.exitCode());
            m.put("error_message", a.errorMessage());
            m.put("started_at", Times.format(a.startedAt()));
            m.put("completed_at", Times.format(a.completedAt()));
            m.put("stdout", "/task/" + t.taskId + "/stdout?attempt=" + a.attempt());
            m.put("stderr", "/task/" + t.taskId + "/stderr?attempt=" + a.attempt());
            out.add(m);
        }
        return out;
    }

    static List<Map<String, Object>> events(List<io.hakuriver.store.EventStore.Event> events) {
        List<Map<String, Object>> out = new java.util.ArrayList<>(events.size());
        for (var e : events) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("at", Times.format(e.at()));
            m.put("event", e.event());
            m.put("detail", e.detail());
            out.add(m);
        }
        return out;
    }

    /** One node in a /health sample (spec §3.2.8 fields, plus url). */
    static Map<String, Object> healthSample(NodeRecord n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hostname", n.hostname);
        m.put("status", n.status);
        m.put("last_heartbeat", Times.format(n.lastHeartbeat));
        m.put("cpu_percent", n.cpuPercent);
        m.put("memory_percent", n.memoryPercent);
        m.put("memory_used_bytes", n.memoryUsedBytes);
        m.put("memory_total_bytes", n.memoryTotalBytes);
        m.put("total_cores", n.totalCores);
        m.put("numa_topology", n.numaTopology);
        m.put("url", n.url);
        m.put("gpu_info", n.gpus);
        m.put("gpu_error", n.gpuError);
        return m;
    }

    static Map<String, Object> node(NodeRecord n, NodeUsage u, List<String> running) { return node(n, u, running, Map.of()); }

    /**
     * A /nodes entry. GPU additions: {@code gpu_info} (KohakuRiver's per-GPU fields plus {@code holders}, the tasks
     * holding it, {@code shares_used} and {@code exclusive}), {@code gpu_shares_per_gpu}, {@code gpus_total},
     * {@code gpus_free} (GPUs nobody holds) and {@code gpu_error} (why a node has none).
     */
    static Map<String, Object> node(NodeRecord n, NodeUsage u, List<String> running, Map<Integer, List<String>> gpuHolders) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hostname", n.hostname);
        m.put("url", n.url);
        m.put("total_cores", n.totalCores);
        m.put("cores_in_use", n.online() ? (Object) u.cores : "N/A");
        m.put("available_cores", n.online() ? Math.max(0, n.totalCores - u.cores) : 0);
        m.put("status", n.status);
        m.put("last_heartbeat", Times.format(n.lastHeartbeat));
        m.put("numa_topology", n.numaTopology);
        m.put("memory_total_bytes", n.memoryTotalBytes);
        m.put("memory_used_bytes", n.memoryUsedBytes);
        m.put("memory_in_use_bytes", u.memory);
        m.put("cpu_percent", n.cpuPercent);
        m.put("memory_percent", n.memoryPercent);
        m.put("running_tasks", running);
        List<Map<String, Object>> gpus = new ArrayList<>();
        int idle = 0;
        for (GpuInfo g : n.gpus) {
            Map<String, Object> gm = new LinkedHashMap<>(Json.MAPPER.convertValue(g, new TypeReference<Map<String, Object>>() {}));
            gm.put("holders", gpuHolders.getOrDefault(g.gpuId(), List.of()));
            gm.put("shares_used", u.sharesUsed(g.gpuId()));
            gm.put("exclusive", u.heldExclusively(g.gpuId()));
            if (u.gpuIdle(g.gpuId())) idle++;
            gpus.add(gm);
        }
        m.put("gpu_info", gpus);
        m.put("gpu_shares_per_gpu", n.sharesPerGpu());
        m.put("gpus_total", n.gpus.size());
        m.put("gpus_free", n.online() ? idle : 0);
        m.put("gpu_error", n.gpuError);
        // additions: an operator's drain (the status stays the original's online/offline, which old clients know)
        m.put("drain", n.drain);
        m.put("drain_state", !n.drain ? null : running.isEmpty() ? "drained" : "draining");
        return m;
    }
}
