package io.hakuriver.runner.exec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything a backend needs to start one task. Built by the Runner from a /run request; paths are computed by
 * the Runner from its own shared dir and the task id (never taken from the request).
 *
 * @param command        program (argv[0]) exactly as submitted
 * @param arguments      remaining argv entries
 * @param env            task variables plus HAKURIVER_* (backend-specific values are added by the backend)
 * @param cores          0 = no CPU limit
 * @param memoryBytes    null or 0 = no memory limit
 * @param numaNode       null = whole node
 * @param numaCores      the cores of numaNode from this Runner's topology (empty when unknown)
 * @param dockerImage    "hakuriver/&lt;env&gt;:base", or "" for a no-container task
 * @param privileged     Docker --privileged (already checked against config by the Runner)
 * @param mounts         extra Docker mounts "host:container[:ro]" (already validated)
 * @param workDir        working directory on the node (&lt;shared&gt;/shared_data)
 * @param gpus           the GPUs the Host reserved for the task (empty = none: the task must see no GPU)
 */
public record TaskSpec(long taskId, String command, List<String> arguments, Map<String, String> env,
                       int cores, Long memoryBytes, Integer numaNode, List<Integer> numaCores,
                       String dockerImage, boolean privileged, List<String> mounts,
                       Path stdoutFile, Path stderrFile, Path workDir, Path sharedDir, Path localTempDir,
                       List<AssignedGpu> gpus) {

    public TaskSpec {
        gpus = gpus == null ? List.of() : List.copyOf(gpus);
    }

    /** A task without GPUs. */
    public TaskSpec(long taskId, String command, List<String> arguments, Map<String, String> env,
                    int cores, Long memoryBytes, Integer numaNode, List<Integer> numaCores,
                    String dockerImage, boolean privileged, List<String> mounts,
                    Path stdoutFile, Path stderrFile, Path workDir, Path sharedDir, Path localTempDir) {
        this(taskId, command, arguments, env, cores, memoryBytes, numaNode, numaCores, dockerImage, privileged, mounts,
                stdoutFile, stderrFile, workDir, sharedDir, localTempDir, List.of());
    }

    public String unitName() { return io.hakuriver.api.TaskNames.base(taskId); }

    public boolean hasMemoryLimit() { return memoryBytes != null && memoryBytes > 0; }
}
