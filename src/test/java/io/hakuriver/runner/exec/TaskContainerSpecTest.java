package io.hakuriver.runner.exec;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.docker.MountPolicy;
import io.hakuriver.util.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskContainerSpecTest {
    /** The create body as the engine receives it, read back as a tree to inspect. */
    private static JsonNode body(TaskSpec spec, List<MountPolicy.Mount> mounts, String node) {
        return Json.tree(io.hakuriver.api.WireJson.write(TaskContainerSpec.build(spec, mounts, node)));
    }

    static TaskSpec spec(Map<String, String> env, int cores, Long mem, Integer numa, List<Integer> numaCores, boolean privileged) {
        return new TaskSpec(42L, "echo", List.of("hi"), env, cores, mem, numa, numaCores, "hakuriver/e:base", privileged, List.of(),
                Path.of("/s/task_outputs/42.out"), Path.of("/s/task_errors/42.err"), Path.of("/s/shared_data"), Path.of("/s"), Path.of("/t"));
    }

    @Test
    void aGpuTaskGetsTheDeviceRequestOfDockerRunGpusAndNoHostIndexes() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CUDA_VISIBLE_DEVICES", "0,1,2,3"); // the user's own value would name host indexes
        env.put("NVIDIA_VISIBLE_DEVICES", "all");
        List<AssignedGpu> gpus = List.of(new AssignedGpu(1, "GPU-bbbb", 1), new AssignedGpu(3, "", 3));
        TaskSpec s = spec(env, 0, null, null, List.of(), false);
        TaskSpec withGpus = new TaskSpec(s.taskId(), s.command(), s.arguments(), s.env(), 0, null, null, List.of(), s.dockerImage(), false,
                List.of(), s.stdoutFile(), s.stderrFile(), s.workDir(), s.sharedDir(), s.localTempDir(), gpus);
        JsonNode b = body(withGpus, List.of(), "node1");
        JsonNode req = b.path("HostConfig").path("DeviceRequests");
        assertThat(req.size()).isEqualTo(1);
        assertThat(req.get(0).path("Driver").asText()).isEqualTo("nvidia");
        assertThat(req.get(0).path("Count").asInt()).isZero();
        assertThat(req.get(0).path("DeviceIDs").toString()).isEqualTo("[\"GPU-bbbb\",\"3\"]"); // UUID, index when the driver gave none
        assertThat(req.get(0).path("Capabilities").toString()).isEqualTo("[[\"gpu\"]]");
        List<String> e = new ArrayList<>();
        b.path("Env").forEach(n -> e.add(n.asText()));
        assertThat(e).contains("NVIDIA_VISIBLE_DEVICES=GPU-bbbb,3", "HAKURIVER_GPUS=1,3").noneMatch(v -> v.startsWith("CUDA_VISIBLE_DEVICES="));
        // without GPUs there is no device request at all
        assertThat(body(s, List.of(), "node1").path("HostConfig").has("DeviceRequests")).isFalse();
    }

    @Test
    void buildsTheDockerRunEquivalent() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("A", "1 2");
        env.put("HAKURIVER_SHARED_DIR", "/node/path"); // the node's path must not leak into the container
        JsonNode b = body(spec(env, 2, 100_000_000L, 0, List.of(0, 1), false),
                List.of(new MountPolicy.Mount(Path.of("/data"), Path.of("/data"), true)), "node1");
        assertThat(b.path("Image").asText()).isEqualTo("hakuriver/e:base");
        assertThat(b.path("Cmd").toString()).isEqualTo("[\"echo\",\"hi\"]");
        List<String> e = new ArrayList<>();
        b.path("Env").forEach(n -> e.add(n.asText()));
        assertThat(e).containsExactly("A=1 2", "HAKURIVER_SHARED_DIR=/shared", "HAKURIVER_TASK_ID=42",
                "HAKURIVER_LOCAL_TEMP_DIR=/local_temp", "HAKURIVER_TARGET_NUMA_NODE=0",
                "NVIDIA_VISIBLE_DEVICES=void", "CUDA_VISIBLE_DEVICES="); // no GPU task: no GPU, whatever the image says
        assertThat(b.path("WorkingDir").asText()).isEqualTo("/shared");
        assertThat(b.path("Labels").path("hakuriver.task-id").asText()).isEqualTo("42");
        assertThat(b.path("Labels").path("hakuriver.node").asText()).isEqualTo("node1");
        JsonNode h = b.path("HostConfig");
        assertThat(h.path("NanoCpus").asLong()).isEqualTo(2_000_000_000L);
        assertThat(h.path("Memory").asLong()).isEqualTo(100_000_000L);
        assertThat(h.path("MemorySwap").asLong()).isEqualTo(100_000_000L);
        assertThat(h.path("CpusetCpus").asText()).isEqualTo("0,1");
        assertThat(h.path("CpusetMems").asText()).isEqualTo("0");
        assertThat(h.has("Privileged")).isFalse();
        assertThat(h.path("CapAdd").toString()).isEqualTo("[\"SYS_NICE\"]");
        assertThat(h.path("Mounts").toString()).isEqualTo("[{\"Type\":\"bind\",\"Source\":\"/data\",\"Target\":\"/data\",\"ReadOnly\":true},"
                + "{\"Type\":\"bind\",\"Source\":\"/s/shared_data\",\"Target\":\"/shared\",\"ReadOnly\":false},"
                + "{\"Type\":\"bind\",\"Source\":\"/t\",\"Target\":\"/local_temp\",\"ReadOnly\":false}]");
    }

    @Test
    void noLimitsWithoutRequestsAndPrivilegedOnlyWhenAsked() {
        JsonNode b = body(spec(Map.of(), 0, null, null, List.of(), true), List.of(), "n");
        JsonNode h = b.path("HostConfig");
        assertThat(h.has("NanoCpus")).isFalse();
        assertThat(h.has("Memory")).isFalse();
        assertThat(h.has("CpusetCpus")).isFalse();
        assertThat(h.path("Privileged").asBoolean()).isTrue();
        assertThat(b.path("Env").toString()).doesNotContain("HAKURIVER_TARGET_NUMA_NODE");
    }

    @Test
    void rejectsBadVariableNames() {
        assertThatThrownBy(() -> body(spec(Map.of("A=B", "x"), 0, null, null, List.of(), false), List.of(), "n"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
