package io.hakuriver.runner.exec;

import io.hakuriver.docker.ContainerCommand;
import io.hakuriver.docker.MountPolicy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Builds the Engine API "create container" body for a task: the equivalent of
 * {@code docker run --name hakuriver-task-<id> --network host --label ... -e ... --mount ... --workdir /shared
 * --cpus N --memory <bytes>b --memory-swap <bytes>b --cpuset-cpus/--cpuset-mems [--privileged | --cap-add SYS_NICE]
 * [--gpus '"device=<uuid>,…"'] hakuriver/<env>:base argv...}. Pure logic, so it is unit-tested without an engine.
 * Part of the Docker backend (it reads a {@link TaskSpec}), so it lives beside it rather than in docker.
 */
public final class TaskContainerSpec {
    public static final String LABEL_TASK_ID = "hakuriver.task-id";
    public static final String LABEL_NODE = "hakuriver.node";
    public static final String LABEL_STDOUT = "hakuriver.stdout";
    public static final String LABEL_STDERR = "hakuriver.stderr";
    public static final String NVIDIA_DRIVER = "nvidia";

    private TaskContainerSpec() {}

    public static String containerName(long taskId) { return io.hakuriver.api.TaskNames.base(taskId); }

    /** The variables the container gets: the task's, then the container-side HAKURIVER_* values. */
    public static Map<String, String> environment(TaskSpec spec) {
        Map<String, String> env = new LinkedHashMap<>();
        if (spec.env() != null) spec.env().forEach((k, v) -> {
            if (k == null || k.isEmpty() || k.indexOf('=') >= 0 || k.indexOf('\0') >= 0)
                throw new IllegalArgumentException("Invalid environment variable name '" + k + "'.");
            if (v != null && v.indexOf('\0') >= 0) throw new IllegalArgumentException("Environment variable " + k + " contains a NUL byte.");
            env.put(k, v == null ? "" : v);
        });
        env.put("HAKURIVER_TASK_ID", Long.toString(spec.taskId()));
        env.put("HAKURIVER_SHARED_DIR", "/shared");
        env.put("HAKURIVER_LOCAL_TEMP_DIR", "/local_temp");
        if (spec.numaNode() != null) env.put("HAKURIVER_TARGET_NUMA_NODE", spec.numaNode().toString());
        else env.remove("HAKURIVER_TARGET_NUMA_NODE");
        GpuEnvironment.applyToContainer(env, spec.gpus());
        return env;
    }

    /**
     * The create body, as plain maps and lists (written by {@code WireJson}: a Runner keeps databind out of its
     * memory). {@code mounts} are the task's validated extra mounts (already resolved on this node).
     */
    public static Map<String, Object> build(TaskSpec spec, List<MountPolicy.Mount> mounts, String runnerName) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Image", spec.dockerImage());
        body.put("Cmd", List.copyOf(ContainerCommand.argv(spec.command(), spec.arguments())));
        List<String> env = new ArrayList<>();
        environment(spec).forEach((k, v) -> env.add(k + "=" + v));
        body.put("Env", env);
        body.put("WorkingDir", "/shared");
        body.put("AttachStdin", false);
        body.put("AttachStdout", false);
        body.put("AttachStderr", false);
        body.put("Tty", false);
        body.put("OpenStdin", false);
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put(LABEL_TASK_ID, Long.toString(spec.taskId()));
        labels.put(LABEL_NODE, runnerName);
        if (spec.stdoutFile() != null) labels.put(LABEL_STDOUT, spec.stdoutFile().toString());
        if (spec.stderrFile() != null) labels.put(LABEL_STDERR, spec.stderrFile().toString());
        body.put("Labels", labels);

        Map<String, Object> host = new LinkedHashMap<>();
        body.put("HostConfig", host);
        host.put("NetworkMode", "host");
        if (spec.privileged()) host.put("Privileged", true);
        else host.put("CapAdd", List.of("SYS_NICE")); // numactl inside the container, as the original allowed
        List<MountPolicy.Mount> all = new ArrayList<>(mounts);
        all.add(new MountPolicy.Mount(spec.sharedDir().resolve("shared_data"), java.nio.file.Path.of("/shared"), false));
        all.add(new MountPolicy.Mount(spec.localTempDir(), java.nio.file.Path.of("/local_temp"), false));
        List<Map<String, Object>> ms = new ArrayList<>();
        for (MountPolicy.Mount m : all) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("Type", "bind");
            one.put("Source", m.hostPath().toString());
            one.put("Target", m.containerPath().toString());
            one.put("ReadOnly", m.readOnly());
            ms.add(one);
        }
        host.put("Mounts", ms);
        if (spec.cores() > 0) host.put("NanoCpus", spec.cores() * 1_000_000_000L);
        if (spec.hasMemoryLimit()) {
            host.put("Memory", spec.memoryBytes());
            host.put("MemorySwap", spec.memoryBytes()); // equal = no swap, as systemd's MemorySwapMax=0 (spec C18)
        }
        if (!spec.gpus().isEmpty()) {
            // what `docker run --gpus '"device=<ids>"'` sends; the NVIDIA container runtime hook acts on it
            Map<String, Object> req = new LinkedHashMap<>();
            req.put("Driver", NVIDIA_DRIVER);
            req.put("Count", 0);
            List<String> ids = new ArrayList<>();
            spec.gpus().forEach(g -> ids.add(g.visibleId()));
            req.put("DeviceIDs", ids);
            req.put("Capabilities", List.of(List.of("gpu")));
            req.put("Options", Map.of());
            host.put("DeviceRequests", List.of(req));
        }
        if (spec.numaNode() != null) {
            host.put("CpusetMems", spec.numaNode().toString());
            if (spec.numaCores() != null && !spec.numaCores().isEmpty())
                host.put("CpusetCpus", spec.numaCores().stream().map(String::valueOf).collect(Collectors.joining(",")));
        }
        return body;
    }
}
