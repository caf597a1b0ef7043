package io.hakuriver.api;

import java.util.List;
import java.util.Map;

/**
 * POST /run (host → runner), field for field as the original sends it. docker_image_name "" (or "NULL") means
 * no container. stdout_path/stderr_path are informative only: our runner recomputes them from its own shared dir.
 * {@code hostname} (ours, ignored by an original runner) is the node the Host believes it is talking to; a Runner
 * with another name refuses the task (421), so a stale node address never runs work under the wrong name.
 * {@code required_gpus} (KohakuRiver's field) are the nvidia-smi indexes the Host reserved for this task; null or
 * empty = no GPU (the task then sees none).
 */
public record RunRequest(long taskId, String command, List<String> arguments, Map<String, String> envVars,
                         int requiredCores, String stdoutPath, String stderrPath, Long requiredMemoryBytes,
                         Integer targetNumaNodeId, String dockerImageName, boolean dockerPrivileged,
                         List<String> dockerAdditionalMounts, String hostname, List<Integer> requiredGpus) {
    public RunRequest(long taskId, String command, List<String> arguments, Map<String, String> envVars,
                      int requiredCores, String stdoutPath, String stderrPath, Long requiredMemoryBytes,
                      Integer targetNumaNodeId, String dockerImageName, boolean dockerPrivileged,
                      List<String> dockerAdditionalMounts, String hostname) {
        this(taskId, command, arguments, envVars, requiredCores, stdoutPath, stderrPath, requiredMemoryBytes,
                targetNumaNodeId, dockerImageName, dockerPrivileged, dockerAdditionalMounts, hostname, null);
    }
}
