package io.hakuriver.gpu;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.testsupport.Cluster;
import io.hakuriver.testsupport.FakeNvidiaSmi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GPUs end to end through a real Host and three real Runners, each discovering its GPUs with the fake nvidia-smi
 * of the test resources (the only fake: this machine has no GPU): discovery with [N/A] fields and a failing driver,
 * registration and heartbeats, isolation variables, per-id reservation and queueing, auto-placement, sharing,
 * release, the client's views and 422s naming node and ids.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GpuIT {
    static final Pattern TASK = Pattern.compile("task (\\d+)");
    @TempDir static Path tmp;
    Cluster c;
    FakeNvidiaSmi smiA;

    @BeforeAll void up() throws Exception {
        c = Cluster.start(tmp.resolve("cluster"));
        smiA = FakeNvidiaSmi.withLines(tmp.resolve("smi-a"), """
                0, GPU-aaaa-0, Fake A100 80GB, 81920, 1024, 37, 45, 71.52
                1, GPU-aaaa-1, Fake A100 80GB, 81920, [N/A], [Not Supported], 33, [N/A]
                """);
        c.addRunner("gpu-a", smiA.toml(1));
        c.addRunner("gpu-s", FakeNvidiaSmi.withGpus(tmp.resolve("smi-s"), "s", 1).toml(2));
        c.addRunner("broken", FakeNvidiaSmi.withGpus(tmp.resolve("smi-b"), "b", 2).fail().toml(1));
        c.awaitOnline(3);
    }

    @AfterAll void down() { if (c != null) c.close(); }

    JsonNode node(String name) {
        for (JsonNode n : c.client().get("/nodes")) if (n.path("hostname").asText().equals(name)) return n;
        throw new AssertionError("no node " + name);
    }

    Map<String, Object> task(String target, Integer gpus, boolean share, String... argv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", argv[0]);
        m.put("arguments", List.of(argv).subList(1, argv.length));
        m.put("required_cores", 0);
        m.put("container_name", "NULL");
        List<String> targets = new ArrayList<>();
        List<List<Integer>> ids = new ArrayList<>();
        if (target != null) {
            String[] p = target.split("::");
            targets.add(p[0]);
            List<Integer> l = new ArrayList<>();
            if (p.length > 1) for (String s : p[1].split(",")) l.add(Integer.parseInt(s));
            ids.add(l);
            if (p.length > 1) m.put("required_gpus", ids);
        }
        m.put("targets", targets);
        if (gpus != null) m.put("gpu_count", gpus);
        if (share) m.put("gpu_share", true);
        return m;
    }

    String submit(Map<String, Object> body) { return c.client().post("/submit", body).path("task_ids").get(0).asText(); }

    String stdout(String id) throws Exception { return Files.readString(c.sharedDir().resolve("task_outputs/" + id + ".out")); }

    String cliSubmit(String... args) throws Exception {
        Cluster.Result r = c.client(args);
        assertThat(r.exit()).as(r.toString()).isZero();
        Matcher m = TASK.matcher(r.out());
        assertThat(m.find()).as(r.toString()).isTrue();
        return m.group(1);
    }

    @Test @Order(1) void runnersReportTheirGpusAndAFailingDriverIsANodeWithoutGpusAndAReason() throws Exception {
        JsonNode a = node("gpu-a");
        assertThat(a.path("gpus_total").asInt()).isEqualTo(2);
        JsonNode g0 = a.path("gpu_info").get(0), g1 = a.path("gpu_info").get(1);
        assertThat(g0.path("gpu_id").asInt()).isZero();
        assertThat(g0.path("uuid").asText()).isEqualTo("GPU-aaaa-0");
        assertThat(g0.path("name").asText()).isEqualTo("Fake A100 80GB");
        assertThat(g0.path("memory_total_mib").asDouble()).isEqualTo(81920);
        assertThat(g0.path("memory_used_mib").asDouble()).isEqualTo(1024);
        assertThat(g0.path("gpu_utilization").asInt()).isEqualTo(37);
        assertThat(g0.path("temperature").asInt()).isEqualTo(45);
        assertThat(g0.path("power_usage_mw").asLong()).isEqualTo(71520);
        assertThat(g1.path("memory_used_mib").asDouble()).as("[N/A] is unknown, not an error").isEqualTo(-1);
        assertThat(g1.path("gpu_utilization").asInt()).isEqualTo(-1);
        assertThat(a.path("gpu_error").isNull()).isTrue();
        assertThat(node("gpu-s").path("gpu_shares_per_gpu").asInt()).isEqualTo(2);

        JsonNode b = node("broken");
        assertThat(b.path("status").asText()).isEqualTo("online");
        assertThat(b.path("gpu_info")).isEmpty();
        assertThat(b.path("gpu_error").asText()).contains("exit code 9", "couldn't communicate with the NVIDIA driver");
        JsonNode health = new io.hakuriver.client.HostClient(c.runner("broken").url(), "").get("/health");
        assertThat(health.path("gpus").path("count").asInt()).isZero();
        assertThat(health.path("gpus").path("error").asText()).contains("couldn't communicate");

        // heartbeats carry fresh figures
        Files.writeString(smiA.dir.resolve("gpus.csv"), """
                0, GPU-aaaa-0, Fake A100 80GB, 81920, 40000, 99, 80, 300.0
                1, GPU-aaaa-1, Fake A100 80GB, 81920, [N/A], [Not Supported], 33, [N/A]
                """);
        Cluster.await(Duration.ofSeconds(30), "new GPU figures at the Host", () ->
                node("gpu-a").path("gpu_info").get(0).path("memory_used_mib").asDouble() == 40000);
        assertThat(node("gpu-a").path("gpu_info").get(0).path("gpu_utilization").asInt()).isEqualTo(99);
    }

    @Test @Order(2) void aTaskSeesExactlyItsGpusByUuidAndATaskWithoutGpusSeesNone() throws Exception {
        String env = "echo \"cvd=$CUDA_VISIBLE_DEVICES nvd=$NVIDIA_VISIBLE_DEVICES order=$CUDA_DEVICE_ORDER hg=$HAKURIVER_GPUS\"";
        Cluster.Result one = c.client("--target", "gpu-a::1", "--container", "NULL", "--env", "CUDA_VISIBLE_DEVICES=0,1", "--wait", "--", "sh", "-c", env);
        assertThat(one.exit()).as(one.toString()).isZero();
        Matcher m = TASK.matcher(one.out());
        assertThat(m.find()).isTrue();
        assertThat(stdout(m.group(1))).isEqualTo("cvd=GPU-aaaa-1 nvd=GPU-aaaa-1 order=PCI_BUS_ID hg=1\n");
        JsonNode st = c.status(m.group(1));
        assertThat(st.path("assigned_gpus").toString()).isEqualTo("[1]");
        assertThat(st.path("required_gpus").toString()).isEqualTo("[1]");
        assertThat(c.client("--status", m.group(1)).out()).contains("gpus:       1\n");

        String none = submit(task("gpu-a", null, false, "sh", "-c", env));
        c.awaitTask(none, Duration.ofSeconds(60), Cluster::isFinal);
        assertThat(stdout(none)).isEqualTo("cvd= nvd= order=PCI_BUS_ID hg=\n");
        assertThat(c.status(none).path("assigned_gpus").isNull()).isTrue();
    }

    @Test @Order(3) void aBusyGpuQueuesTheNextTaskWhichStartsWhenItIsReleased() throws Exception {
        String holder = cliSubmit("--target", "gpu-a::0", "--container", "NULL", "--", "sleep", "120");
        c.awaitTask(holder, Duration.ofSeconds(60), s -> s.equals("running"));
        String waiter = cliSubmit("--target", "gpu-a::0", "--container", "NULL", "--", "sh", "-c", "echo got $CUDA_VISIBLE_DEVICES");
        Thread.sleep(2000);
        assertThat(c.status(waiter).path("status").asText()).isEqualTo("pending");
        assertThat(c.client("--status", waiter).out()).contains("gpus:       0 (requested)");
        // the other GPU of the node is still free for others
        String other = submit(task("gpu-a", 1, false, "sh", "-c", "echo other $CUDA_VISIBLE_DEVICES"));
        c.awaitTask(other, Duration.ofSeconds(60), s -> s.equals("completed"));
        assertThat(stdout(other)).isEqualTo("other GPU-aaaa-1\n");

        JsonNode g0 = node("gpu-a").path("gpu_info").get(0);
        assertThat(g0.path("holders").toString()).isEqualTo("[\"" + holder + "\"]");
        assertThat(g0.path("exclusive").asBoolean()).isTrue();
        String list = c.client("--list-nodes").out();
        assertThat(list).contains("GPUS USED", "HELD BY").containsPattern("gpu-a\\s+0\\s+Fake A100 80GB\\s+40000/81920 MiB\\s+99%\\s+80C\\s+" + holder)
                .containsPattern("gpu-a\\s+1\\s+Fake A100 80GB\\s+\\?/81920 MiB\\s+-\\s+33C\\s+free")
                .contains("no GPUs on broken: ");
        assertThat(c.client("--health", "gpu-a").out()).containsPattern("gpu-a\\s+0\\s+Fake A100 80GB.*" + holder).doesNotContain("broken");
        assertThat(c.client("tasks", "--node", "gpu-a", "--status", "running,pending").out()).containsPattern(holder + "\\s+running\\s+gpu-a\\s+0\\s+0\\s");

        c.client().post("/kill/" + holder, null);
        c.awaitTask(waiter, Duration.ofSeconds(60), s -> s.equals("completed"));
        assertThat(stdout(waiter)).isEqualTo("got GPU-aaaa-0\n");
        Cluster.await(Duration.ofSeconds(10), "GPU 0 released", () -> node("gpu-a").path("gpu_info").get(0).path("holders").isEmpty());
    }

    @Test @Order(4) void autoPlacementCountsGpusAndImpossibleRequestsAre422NamingNodeAndIds() throws Exception {
        Cluster.Result two = c.client("--gpus", "2", "--container", "NULL", "--wait", "--", "sh", "-c", "echo $CUDA_VISIBLE_DEVICES");
        assertThat(two.exit()).as(two.toString()).isZero();
        Matcher m = TASK.matcher(two.out());
        assertThat(m.find()).isTrue();
        assertThat(c.status(m.group(1)).path("assigned_node").asText()).as("the only node with two GPUs").isEqualTo("gpu-a");
        assertThat(stdout(m.group(1))).isEqualTo("GPU-aaaa-0,GPU-aaaa-1\n");

        var tooMany = c.client().send("POST", "/submit", task(null, 3, false, "true"), Duration.ofSeconds(10));
        assertThat(tooMany.statusCode()).isEqualTo(422);
        assertThat(tooMany.body()).contains("Requested 3 GPUs but no online node has that many (most: 2 on gpu-a)");
        var unknownId = c.client().send("POST", "/submit", task("gpu-a::5", null, false, "true"), Duration.ofSeconds(10));
        assertThat(unknownId.statusCode()).isEqualTo(422);
        assertThat(unknownId.body()).contains("Node gpu-a has no GPU 5 (its GPUs: 0,1)");
        var noGpus = c.client().send("POST", "/submit", task("broken::0", null, false, "true"), Duration.ofSeconds(10));
        assertThat(noGpus.statusCode()).isEqualTo(422);
        assertThat(noGpus.body()).contains("Node broken has no GPUs (", "couldn't communicate", "requested GPU 0");
        Cluster.Result cli = c.client("--target", "gpu-a::0,7", "--container", "NULL", "--", "true");
        assertThat(cli.exit()).isEqualTo(1);
        assertThat(cli.err()).contains("HTTP 422", "Node gpu-a has no GPU 7");
        Cluster.Result usage = c.client("--target", "gpu-a::x", "--", "true");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("--target gpu-a::x");
        assertThat(c.client("tasks", "--status", "pending").out()).doesNotContain(" true");
    }

    @Test @Order(5) void sharingTasksShareOneGpuUpToTheRunnersSharesAndTheNextWaits() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) ids.add(cliSubmit("--gpus", "1", "--gpu-share", "--target", "gpu-s", "--container", "NULL", "--", "sleep", "120"));
        c.awaitTask(ids.get(0), Duration.ofSeconds(60), s -> s.equals("running"));
        c.awaitTask(ids.get(1), Duration.ofSeconds(60), s -> s.equals("running"));
        Thread.sleep(1500);
        assertThat(c.status(ids.get(2)).path("status").asText()).isEqualTo("pending");
        JsonNode g = node("gpu-s").path("gpu_info").get(0);
        assertThat(g.path("shares_used").asInt()).isEqualTo(2);
        assertThat(g.path("exclusive").asBoolean()).isFalse();
        assertThat(g.path("holders")).hasSize(2);
        assertThat(c.client("--list-nodes").out()).containsPattern("gpu-s\\s+0\\s+Fake GPU 0.*\\(2/2 shares\\)");
        assertThat(c.client("--status", ids.get(0)).out()).contains("gpus:       0 (shared)");
        // a task that wants the GPU to itself waits for every sharer
        String whole = submit(task("gpu-s", 1, false, "true"));
        c.client().post("/kill/" + ids.get(0), null);
        c.awaitTask(ids.get(2), Duration.ofSeconds(60), s -> s.equals("running"));
        assertThat(c.status(whole).path("status").asText()).isEqualTo("pending");
        c.client().post("/kill/" + ids.get(1), null);
        c.client().post("/kill/" + ids.get(2), null);
        c.awaitTask(whole, Duration.ofSeconds(60), s -> s.equals("completed"));
        assertThat(c.status(whole).path("assigned_gpus").toString()).isEqualTo("[0]");
    }
}
