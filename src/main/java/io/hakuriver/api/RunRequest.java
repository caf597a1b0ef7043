package io.hakuriver.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * POST /run (host → runner), and each element of our POST /runs {@code tasks}: field for field as the original
 * sends it. docker_image_name "" (or "NULL") means no container. stdout_path/stderr_path are informative only: our
 * runner recomputes them from its own shared dir. {@code hostname} (ours, ignored by an original runner) is the node
 * the Host believes it is talking to; a Runner with another name refuses the task (421), so a stale node address
 * never runs work under the wrong name. {@code required_gpus} (KohakuRiver's field) are the nvidia-smi indexes the
 * Host reserved for this task; empty = no GPU (the task then sees none). {@code when_room} (ours, sent only to a
 * Runner that announces {@code starts_when_room}): the Host placed the task on a node that is full right now; the
 * Runner starts it as soon as its own running tasks leave room for it, without waiting for the Host.
 *
 * <p>Absent lists and maps read as empty ones. What is checked here holds for any node; what this node allows is
 * the Runner's {@code RunPolicy}.
 */
public record RunRequest(Long taskId, String command, List<String> arguments, Map<String, String> envVars,
                         int requiredCores, String stdoutPath, String stderrPath, Long requiredMemoryBytes,
                         Integer targetNumaNodeId, String dockerImageName, boolean dockerPrivileged,
                         List<String> dockerAdditionalMounts, String hostname, List<Integer> requiredGpus,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Boolean whenRoom) {
    public RunRequest {
        Problems p = new Problems();
        p.required("task_id", taskId);
        p.range("task_id", taskId, 1, Long.MAX_VALUE);
        p.required("command", command);
        p.range("required_cores", requiredCores, 0, Bounds.MAX_CORES);
        p.range("required_memory_bytes", requiredMemoryBytes, 0, Bounds.MAX_MEMORY_BYTES);
        p.range("target_numa_node_id", targetNumaNodeId, 0, Bounds.MAX_NUMA_ID);
        p.noNulls("arguments", arguments);
        p.noNulls("docker_additional_mounts", dockerAdditionalMounts);
        if (envVars != null) p.noNulls("env_vars", envVars.values());
        if (requiredGpus != null) {
            if (requiredGpus.size() > GpuIds.MAX_PER_TASK) p.add("required_gpus", "at most " + GpuIds.MAX_PER_TASK + " GPUs per task", "too_long");
            for (Integer g : requiredGpus) {
                if (g == null || g < 0 || g > GpuIds.MAX_ID) { p.add("required_gpus", "GPU ids are 0-" + GpuIds.MAX_ID + " (got " + g + ")", "value_error"); break; }
            }
        }
        p.throwIfAny();
        arguments = arguments == null ? List.of() : arguments;
        envVars = envVars == null ? Map.of() : envVars;
        dockerImageName = dockerImageName == null ? "" : dockerImageName;
        dockerAdditionalMounts = dockerAdditionalMounts == null ? List.of() : dockerAdditionalMounts;
        requiredGpus = requiredGpus == null ? List.of() : requiredGpus;
    }

    public RunRequest(long taskId, String command, List<String> arguments, Map<String, String> envVars,
                      int requiredCores, String stdoutPath, String stderrPath, Long requiredMemoryBytes,
                      Integer targetNumaNodeId, String dockerImageName, boolean dockerPrivileged,
                      List<String> dockerAdditionalMounts, String hostname) {
        this(taskId, command, arguments, envVars, requiredCores, stdoutPath, stderrPath, requiredMemoryBytes,
                targetNumaNodeId, dockerImageName, dockerPrivileged, dockerAdditionalMounts, hostname, null, null);
    }

    public RunRequest(long taskId, String command, List<String> arguments, Map<String, String> envVars,
                      int requiredCores, String stdoutPath, String stderrPath, Long requiredMemoryBytes,
                      Integer targetNumaNodeId, String dockerImageName, boolean dockerPrivileged,
                      List<String> dockerAdditionalMounts, String hostname, List<Integer> requiredGpus) {
        this(taskId, command, arguments, envVars, requiredCores, stdoutPath, stderrPath, requiredMemoryBytes,
                targetNumaNodeId, dockerImageName, dockerPrivileged, dockerAdditionalMounts, hostname, requiredGpus, null);
    }

    /** Whether the Runner should hold the task until its running tasks leave room for it (see RunnerAgent). */
    public boolean startsWhenRoom() { return Boolean.TRUE.equals(whenRoom); }
}
