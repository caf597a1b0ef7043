package io.hakuriver.runner.exec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hakuriver.docker.ContainerCommand;
import io.hakuriver.docker.MountPolicy;
import io.hakuriver.util.Json;

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

    /** The create body. {@code mounts} are the task's validated extra mounts (already resolved on this node). */
    public static ObjectNode build(TaskSpec spec, List<MountPolicy.Mount> mounts, String runnerName) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("Image", spec.dockerImage());
        ArrayNode cmd = body.putArray("Cmd");
        ContainerCommand.argv(spec.command(), spec.arguments()).forEach(cmd::add);
        ArrayNode env = body.putArray("Env");
        environment(spec).forEach((k, v) -> env.add(k + "=" + v));
        body.put("WorkingDir", "/shared");
        body.put("AttachStdin", false).put("AttachStdout", false).put("AttachStderr", false).put("Tty", false).put("OpenStdin", false);
        ObjectNode labels = body.putObject("Labels");
        labels.put(LABEL_TASK_ID, Long.toString(spec.taskId()));
        labels.put(LABEL_NODE, runnerName);
        if (spec.stdoutFile() != null) labels.put(LABEL_STDOUT, spec.stdoutFile().toString());
        if (spec.stderrFile() != null) labels.put(LABEL_STDERR, spec.stderrFile().toString());

        ObjectNode host = body.putObject("HostConfig");
        host.put("NetworkMode", "host");
        if (spec.privileged()) host.put("Privileged", true);
        else host.putArray("CapAdd").add("SYS_NICE"); // numactl inside the container, as the original allowed
        ArrayNode ms = host.putArray("Mounts");
        List<MountPolicy.Mount> all = new ArrayList<>(mounts);
        all.add(new MountPolicy.Mount(spec.sharedDir().resolve("shared_data"), java.nio.file.Path.of("/shared"), false));
        all.add(new MountPolicy.Mount(spec.localTempDir(), java.nio.file.Path.of("/local_temp"), false));
        for (MountPolicy.Mount m : all) {
            ms.addObject().put("Type", "bind").put("Source", m.hostPath().toString())
                    .put("Target", m.containerPath().toString()).put("ReadOnly", m.readOnly());
        }
        if (spec.cores() > 0) host.put("NanoCpus", spec.cores() * 1_000_000_000L);
        if (spec.hasMemoryLimit()) {
            host.put("Memory", spec.memoryBytes());
            host.put("MemorySwap", spec.memoryBytes()); // equal = no swap, as systemd's MemorySwapMax=0 (spec C18)
        }
        if (!spec.gpus().isEmpty()) {
            // what `docker run --gpus '"device=<ids>"'` sends; the NVIDIA container runtime hook acts on it
            ObjectNode req = host.putArray("DeviceRequests").addObject();
            req.put("Driver", NVIDIA_DRIVER);
            req.put("Count", 0);
            ArrayNode ids = req.putArray("DeviceIDs");
            spec.gpus().forEach(g -> ids.add(g.visibleId()));
            req.putArray("Capabilities").addArray().add("gpu");
            req.putObject("Options");
        }
        if (spec.numaNode() != null) {
            host.put("CpusetMems", spec.numaNode().toString());
            if (spec.numaCores() != null && !spec.numaCores().isEmpty())
                host.put("CpusetCpus", spec.numaCores().stream().map(String::valueOf).collect(Collectors.joining(",")));
        }
        return body;
    }
}
