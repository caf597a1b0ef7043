package io.hakuriver.host;

import io.hakuriver.api.GpuInfo;
import io.hakuriver.api.HeartbeatRequest;
import io.hakuriver.api.RegisterRequest;
import io.hakuriver.api.TaskStatus;
import io.hakuriver.config.ConfigLoader;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.http.ApiException;
import io.hakuriver.store.Database;
import io.hakuriver.store.TaskRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * GPU reservation through the Host's one door, with a real SQLite file: per-id holds, queueing, auto-placement,
 * sharing, release, validation and a Host restart. Runner calls are collected, runners' answers fed back.
 */
class GpuPlacementTest {
    @TempDir Path tmp;
    final BackPressureTest.MovableClock clock = new BackPressureTest.MovableClock();
    final List<List<Runnable>> sent = new ArrayList<>();
    HostCore core;

    @BeforeEach void setUp() { open(); }
    @AfterEach void tearDown() { core.close(); }

    private void open() {
        HakuConfig cfg = new ConfigLoader(tmp, Map.of(), w -> { }).loadText(
                "[timing]\nheartbeat_interval = 1\nheartbeat_timeout_factor = 5\n[paths]\nshared_dir = \"" + tmp.resolve("shared") + "\"\n",
                tmp.resolve("t.toml"));
        core = new HostCore(cfg, new Database(tmp.resolve("state.db")), clock, sent::add);
    }

    static List<GpuInfo> gpus(int n) {
        List<GpuInfo> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(new GpuInfo(i, "GPU-" + i, "Fake", 81920, 0, 81920, 0, 40, 50_000));
        return out;
    }

    private void register(String name, int cores, int gpuCount, int shares, String error) {
        core.register(new RegisterRequest(name, cores, 64L << 30, "http://127.0.0.1:9/" + name, null, null, gpus(gpuCount), shares, error));
    }

    /** One task; {@code target} like the CLI's ("g1", "g1::0,1", or null for auto-placement). */
    private String submit(String target, int gpuCount, boolean share) {
        List<HostCore.Target> ts = new ArrayList<>();
        if (target != null) {
            String[] p = target.split("::");
            ts.add(new HostCore.Target(target, p[0], null, p.length > 1 ? io.hakuriver.api.GpuIds.parse(p[1]) : null));
        }
        var done = core.submit(new HostCore.NewTasks("true", List.of(), null, Map.of(), 0, null, ts, null, "", null, null, null, gpuCount, share));
        return String.valueOf(done.created().get(0).taskId);
    }

    private TaskRecord task(String id) { return core.task(Long.parseLong(id)); }
    private TaskStatus status(String id) { return task(id).status; }
    private List<Integer> gpusOf(String id) { return task(id).assignedGpus; }

    private void finish(String id) {
        core.runnerUpdate(new HostCore.Update(Long.parseLong(id), TaskStatus.COMPLETED, 0, null, clock.instant(), clock.instant()));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> gpuView(String node, int gpu) {
        var n = core.nodesView().stream().filter(m -> node.equals(m.get("hostname"))).findFirst().orElseThrow();
        return ((List<Map<String, Object>>) n.get("gpu_info")).get(gpu);
    }

    @Test void namedGpusAreReservedPerIdAndABusyOneWaitsInTheQueue() {
        register("g1", 8, 4, 1, null);
        String a = submit("g1::1", 0, false);
        String b = submit("g1::1", 0, false);
        String c = submit("g1::0,1", 0, false);
        String d = submit("g1", 2, false); // any two
        assertThat(status(a)).isEqualTo(TaskStatus.ASSIGNING);
        assertThat(gpusOf(a)).containsExactly(1);
        assertThat(status(b)).as("GPU 1 is taken: queued, not refused").isEqualTo(TaskStatus.PENDING);
        assertThat(status(c)).isEqualTo(TaskStatus.PENDING);
        assertThat(gpusOf(d)).containsExactly(0, 2);
        assertThat(gpuView("g1", 1).get("holders")).isEqualTo(List.of(a));
        assertThat(gpuView("g1", 3).get("holders")).isEqualTo(List.of());
        finish(a); // releases GPU 1: the oldest waiting task that fits now takes it
        assertThat(status(b)).isEqualTo(TaskStatus.ASSIGNING);
        assertThat(gpusOf(b)).containsExactly(1);
        assertThat(status(c)).isEqualTo(TaskStatus.PENDING);
        finish(b);
        finish(d);
        assertThat(gpusOf(c)).containsExactly(0, 1);
        assertThat(gpusOf(a)).as("kept on the finished task, for the record").containsExactly(1);
    }

    @Test void autoPlacementCountsGpusAndPrefersTheNodeWithFewestLeft() {
        register("cpu", 64, 0, 1, "nvidia-smi not found");
        register("big", 16, 4, 1, null);
        register("small", 16, 2, 1, null);
        String two = submit(null, 2, false);
        assertThat(task(two).assignedNode).isEqualTo("small");
        String three = submit(null, 3, false);
        assertThat(task(three).assignedNode).isEqualTo("big");
        String one = submit(null, 1, false);
        assertThat(task(one).assignedNode).isEqualTo("big"); // small is full
        assertThat(gpusOf(one)).containsExactly(3);
        String waits = submit(null, 2, false);
        assertThat(status(waits)).isEqualTo(TaskStatus.PENDING);
        String cpuOnly = submit(null, 0, false);
        assertThat(task(cpuOnly).assignedGpus).isNull();
        finish(two);
        assertThat(task(waits).assignedNode).isEqualTo("small");
    }

    @SuppressWarnings("unchecked")
    @Test void sharingTasksShareUpToTheNodesSharesAndPackBeforeTakingAWholeGpu() {
        register("s", 16, 2, 2, null);
        String s1 = submit("s", 1, true), s2 = submit("s", 1, true), s3 = submit("s", 1, true);
        assertThat(gpusOf(s1)).containsExactly(0);
        assertThat(gpusOf(s2)).as("joins the shared GPU").containsExactly(0);
        assertThat(gpusOf(s3)).containsExactly(1);
        String whole = submit("s", 1, false);
        assertThat(status(whole)).as("no GPU is free of sharers").isEqualTo(TaskStatus.PENDING);
        String s4 = submit("s", 1, true), s5 = submit("s", 1, true);
        assertThat(gpusOf(s4)).containsExactly(1);
        assertThat(status(s5)).isEqualTo(TaskStatus.PENDING);
        assertThat(gpuView("s", 0).get("shares_used")).isEqualTo(2);
        assertThat((List<Object>) gpuView("s", 0).get("holders")).containsExactlyInAnyOrder(s1, s2);
        finish(s1);
        assertThat(gpusOf(s5)).as("a freed share goes to the next sharer").containsExactly(0);
        finish(s3); finish(s4);
        assertThat(gpusOf(whole)).as("GPU 1 has no sharer left").containsExactly(1);
        // on a node with one share per GPU, a sharing task has the GPU to itself
        register("one", 4, 1, 1, null);
        String x = submit("one", 1, true), y = submit("one", 1, true);
        assertThat(status(x)).isEqualTo(TaskStatus.ASSIGNING);
        assertThat(status(y)).isEqualTo(TaskStatus.PENDING);
    }

    @Test void impossibleRequestsAre422NamingNodeAndIdsAndStoreNothing() {
        register("g1", 8, 4, 1, null);
        register("cpu", 8, 0, 1, "nvidia-smi not found or not executable");
        assertThatThrownBy(() -> submit("g1::1,7", 0, false)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status).isEqualTo(422);
            assertThat(e.detail.toString()).contains("Node g1 has no GPU 7", "its GPUs: 0,1,2,3");
        });
        assertThatThrownBy(() -> submit("cpu::0", 0, false)).isInstanceOfSatisfying(ApiException.class, e ->
                assertThat(e.detail.toString()).contains("Node cpu has no GPUs", "nvidia-smi not found", "requested GPU 0"));
        assertThatThrownBy(() -> submit("g1", 5, false)).isInstanceOfSatisfying(ApiException.class, e ->
                assertThat(e.detail.toString()).contains("Requested 5 GPUs but node g1 has only 4"));
        assertThatThrownBy(() -> submit(null, 6, false)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status).isEqualTo(422);
            assertThat(e.detail.toString()).contains("Requested 6 GPUs but no online node has that many (most: 4 on g1)");
        });
        assertThat(core.counts().get("tasks_unfinished")).isEqualTo(0);
    }

    @Test void assignmentsSurviveAHostRestartAndAFailedScanKeepsTheGpus() {
        register("g1", 8, 2, 1, null);
        String a = submit("g1::1", 0, false);
        String b = submit("g1::1", 0, false);
        core.dispatchAnswered(core.nodeSnapshot().get(0), task(a), DispatchOutcome.of(200, "{}", null), 1);
        core.runnerUpdate(new HostCore.Update(Long.parseLong(a), TaskStatus.RUNNING, null, null, clock.instant(), null));
        core.close();
        open();
        assertThat(gpusOf(a)).containsExactly(1);
        assertThat(gpuView("g1", 1).get("holders")).isEqualTo(List.of(a));
        assertThat(status(b)).isEqualTo(TaskStatus.PENDING);
        // one failed nvidia-smi run in a heartbeat shows its reason but takes no GPU away
        core.heartbeat("g1", new HeartbeatRequest(List.of(Long.parseLong(a)), List.of(), null, null, null, null, List.of(),
                List.of(), "nvidia-smi failed with exit code 9"));
        var node = core.nodesView().get(0);
        assertThat(node.get("gpus_total")).isEqualTo(2);
        assertThat(node.get("gpu_error")).isEqualTo("nvidia-smi failed with exit code 9");
        finish(a);
        assertThat(gpusOf(b)).containsExactly(1);
    }
}
