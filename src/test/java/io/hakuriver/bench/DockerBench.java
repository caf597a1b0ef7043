package io.hakuriver.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.client.HostClient;
import io.hakuriver.testsupport.Cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Issue 4 point 6: N trivial Docker tasks through a real Host + Runner (separate JVMs) against the same N
 * {@code docker run --rm IMAGE true} calls made directly, at the same concurrency. Not a test: run it with
 * bench/docker/run.sh [N] [CONCURRENCY] [batch]. Needs a Docker engine and the image hakuriver-test/busybox:1
 * (scripts/testenv/docker.sh).
 */
public final class DockerBench {
    static final long POLL_MS = Long.getLong("bench.pollMs", 20);
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int conc = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        String base = System.getProperty("hakuriver.test.image", "hakuriver-test/busybox:1");
        String run = "b" + Long.toString(System.currentTimeMillis() % 1_000_000L, 36);
        String env = "bench-" + run, node = "bench-node-" + run;
        Path dir = Files.createTempDirectory("hakuriver-bench-");
        Cluster cluster = Cluster.start(dir, null, "[docker]\ndefault_container_name = \"" + env + "\"\ninitial_base_image = \"" + base + "\"\n");
        try {
            cluster.addRunner(node, "");
            cluster.awaitOnline(1);
            HostClient host = cluster.client();
            Cluster.await(Duration.ofSeconds(120), "default environment", () -> host.get("/docker/list").has(env));
            String image = "hakuriver/" + env + ":base";
            Path temp = dir.resolve("temp-" + node);
            Files.createDirectories(temp);
            Files.createDirectories(cluster.sharedDir().resolve("shared_data"));
            directArgv = directArgv(image, cluster.sharedDir(), temp);
            // Warm-up: the Runner loads the environment once; the direct runs use the same image.
            for (int i = 0; i < 3; i++) { clusterTask(host, env, node); direct(image); }

            if (args.length > 2 && args[2].equals("batch")) {
                System.out.println(io.hakuriver.util.Json.pretty(batch(host, env, node, image, n)));
                return;
            }
            // Alternate rounds of direct and cluster runs, so that load from elsewhere on the machine hits both alike.
            int rounds = Math.max(1, Math.min(10, n / 20));
            List<Long> directMs = new ArrayList<>(), clusterMs = new ArrayList<>();
            long directTotal = 0, clusterTotal = 0;
            List<Long> engine = pids(cmd -> cmd.matches("^\\S*/(dockerd|containerd)( .*)?$"));
            List<Long> jvms = pids(cmd -> cmd.contains(dir.toString()) && cmd.contains(" -jar "));
            long directCpu = 0, clusterCpu = 0;
            for (int round = 0; round < rounds; round++) {
                int k = n / rounds + (round < n % rounds ? 1 : 0);
                long c0 = cpu(engine) + childrenCpu();
                List<Long> d = timed(k, conc, () -> direct(image));
                directCpu += cpu(engine) + childrenCpu() - c0;
                directTotal += d.remove(d.size() - 1);
                directMs.addAll(d);
                c0 = cpu(engine) + cpu(jvms);
                List<Long> c = timed(k, conc, () -> clusterTask(host, env, node));
                clusterCpu += cpu(engine) + cpu(jvms) - c0;
                clusterTotal += c.remove(c.size() - 1);
                clusterMs.addAll(c);
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("tasks", n);
            r.put("concurrency", conc);
            r.put("direct_total_s", directTotal / 1000.0);
            r.put("cluster_total_s", clusterTotal / 1000.0);
            r.put("ratio", Math.round(1000.0 * clusterTotal / directTotal) / 1000.0);
            r.put("direct_median_ms", median(directMs));
            r.put("cluster_median_ms", median(clusterMs));
            r.put("direct_p90_ms", pct(directMs, 90));
            r.put("cluster_p90_ms", pct(clusterMs, 90));
            r.put("overhead_per_task_ms_from_totals", Math.round((clusterTotal - directTotal) * (double) conc / n * 10) / 10.0);
            r.put("overhead_median_ms", median(clusterMs) - median(directMs));
            // CPU per task (load-independent): dockerd+containerd+docker CLI children vs dockerd+containerd+Host+Runner JVMs
            r.put("cpu_ms_per_task_direct", Math.round(10.0 * directCpu / n) / 10.0);
            r.put("cpu_ms_per_task_cluster", Math.round(10.0 * clusterCpu / n) / 10.0);
            r.put("sequential_breakdown_ms", timeline(host, env, node, 10));
            System.out.println(io.hakuriver.util.Json.pretty(r));
        } finally {
            cluster.close();
            docker("rm", "-f", env);
            removeImages("hakuriver/" + env);
            try (var walk = Files.walk(dir)) { walk.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete()); }
        }
    }

    /**
     * Where the time of a task goes, from its own timestamps (one clock: Host and Runner run on this machine):
     * submit -> Runner accepted (started_at) -> Runner reported the end (completed_at) -> the client saw it.
     */
    static Map<String, Object> timeline(HostClient host, String env, String node, int n) throws Exception {
        long toStart = 0, run = 0, toSeen = 0, total = 0;
        for (int i = 0; i < n; i++) {
            long t0 = System.currentTimeMillis();
            String id = submitOnly(host, env, node);
            JsonNode s;
            while (!(s = host.get("/status/" + id)).path("status").asText().equals("completed")) Thread.sleep(POLL_MS);
            long seen = System.currentTimeMillis();
            long started = millis(s.path("started_at").asText()), completed = millis(s.path("completed_at").asText());
            toStart += started - t0; run += completed - started; toSeen += seen - completed; total += seen - t0;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("submit_to_runner_accept", toStart / n);
        m.put("runner_accept_to_completed", run / n);
        m.put("completed_to_client_seen", toSeen / n);
        m.put("total", total / n);
        long d0 = System.currentTimeMillis();
        for (int i = 0; i < n; i++) direct(null);
        m.put("direct_docker_run", (System.currentTimeMillis() - d0) / n);
        return m;
    }

    /**
     * Batch mode: all N tasks submitted at once with 1 core each, so the Host's scheduler keeps the node's cores busy
     * (concurrency = the node's core count) and the client does not poll per task; the cluster's time is the
     * makespan from the Host's own timestamps. The direct runs use the same concurrency.
     */
    static Map<String, Object> batch(HostClient host, String env, String node, String image, int n) throws Exception {
        int cores = 0;
        for (JsonNode nd : host.get("/nodes")) if (nd.path("hostname").asText().equals(node)) cores = nd.path("total_cores").asInt();
        List<Long> d = timed(n, cores, () -> direct(image));
        long directTotal = d.remove(d.size() - 1);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("command", "true");
            body.put("arguments", List.of());
            body.put("required_cores", 1);
            body.put("container_name", env);
            body.put("targets", List.of(node));
            ids.add(host.post("/submit", body).path("task_ids").path(0).asText());
        }
        long first = Long.MAX_VALUE, last = 0;
        for (String id : ids) {
            JsonNode s;
            while (!Cluster.isFinal((s = host.get("/status/" + id)).path("status").asText())) Thread.sleep(200);
            if (!s.path("status").asText().equals("completed")) throw new IllegalStateException(id + ": " + s);
            first = Math.min(first, millis(s.path("submitted_at").asText()));
            last = Math.max(last, millis(s.path("completed_at").asText()));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", "batch");
        m.put("tasks", n);
        m.put("concurrency", cores);
        m.put("direct_total_s", directTotal / 1000.0);
        m.put("cluster_makespan_s", (last - first) / 1000.0);
        m.put("ratio", Math.round(1000.0 * (last - first) / directTotal) / 1000.0);
        m.put("overhead_per_task_ms", Math.round(((last - first) - directTotal) * (double) cores / n * 10) / 10.0);
        return m;
    }

    static List<Long> pids(java.util.function.Predicate<String> cmd) {
        return ProcessHandle.allProcesses().filter(p -> cmd.test(ProcStats.cmdline(p.pid()))).map(ProcessHandle::pid).toList();
    }

    static long cpu(List<Long> pids) {
        long sum = 0;
        for (long p : pids) { try { sum += ProcStats.cpuMillis(p); } catch (java.io.IOException gone) { } }
        return sum;
    }

    /** CPU of this JVM's finished (waited-for) children: the docker CLI processes of the direct runs. */
    static long childrenCpu() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            return (Long.parseLong(f[13]) + Long.parseLong(f[14])) * 10L; // cutime, cstime in 1/100 s
        } catch (Exception e) {
            return 0;
        }
    }

    static long millis(String iso) {
        java.time.temporal.TemporalAccessor t = java.time.format.DateTimeFormatter.ISO_DATE_TIME.parseBest(iso,
                java.time.OffsetDateTime::from, java.time.LocalDateTime::from);
        if (t instanceof java.time.OffsetDateTime o) return o.toInstant().toEpochMilli();
        return ((java.time.LocalDateTime) t).atZone(java.time.ZoneId.systemDefault()).toInstant().toEpochMilli();
    }

    static String submitOnly(HostClient host, String env, String node) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("command", "true");
        body.put("arguments", List.of());
        body.put("env_vars", Map.of());
        body.put("required_cores", 0);
        body.put("container_name", env);
        body.put("targets", List.of(node));
        return host.post("/submit", body).path("task_ids").path(0).asText();
    }

    public interface Job { void run() throws Exception; }

    /** Runs n jobs on conc threads; returns each job's ms and, last, the total ms. */
    public static List<Long> timed(int n, int conc, Job job) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(conc);
        List<Future<Long>> fs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            fs.add(pool.submit(() -> { long s = System.nanoTime(); job.run(); return (System.nanoTime() - s) / 1_000_000; }));
        }
        List<Long> ms = new ArrayList<>();
        for (Future<Long> f : fs) ms.add(f.get());
        long total = (System.nanoTime() - t0) / 1_000_000;
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        ms.add(total);
        return ms;
    }

    /** The direct equivalent of what the Runner asks Docker for a task (same network, mounts, workdir, capability). */
    static List<String> directArgv(String image, Path shared, Path temp) {
        return List.of("docker", "run", "--rm", "--network", "host", "--cap-add", "SYS_NICE",
                "--mount", "type=bind,source=" + shared.resolve("shared_data") + ",target=/shared",
                "--mount", "type=bind,source=" + temp + ",target=/local_temp", "--workdir", "/shared", image, "true");
    }

    static List<String> directArgv = null;

    public static void direct(String image) throws Exception {
        List<String> argv = directArgv != null ? directArgv : List.of("docker", "run", "--rm", "--network", "host", image, "true");
        Process p = new ProcessBuilder(argv)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) throw new IllegalStateException("docker run failed");
    }

    static void clusterTask(HostClient host, String env, String node) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("command", "true");
        body.put("arguments", List.of());
        body.put("env_vars", Map.of());
        body.put("required_cores", 0);
        body.put("container_name", env);
        body.put("targets", List.of(node));
        String id = host.post("/submit", body).path("task_ids").path(0).asText();
        while (true) {
            JsonNode s = host.get("/status/" + id);
            String st = s.path("status").asText();
            if (st.equals("completed")) return;
            if (Cluster.isFinal(st)) throw new IllegalStateException("task " + id + " ended " + st + ": " + s.path("error_message").asText());
            Thread.sleep(POLL_MS); // the harness polls /status; faster polling only steals CPU from the system under test
        }
    }

    static long median(List<Long> l) { return pct(l, 50); }

    static long pct(List<Long> l, int p) {
        List<Long> s = new ArrayList<>(l);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100.0 * s.size()) - 1));
    }

    /** Removes every tag of a repository (the :base image and the Runner's digest marker tags). */
    static void removeImages(String repo) throws Exception {
        Process p = new ProcessBuilder("docker", "images", "--format", "{{.Repository}}:{{.Tag}}", repo).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        for (String img : out.split("\n")) if (!img.isBlank()) docker("rmi", "-f", img.trim());
    }

    static void docker(String... args) {
        List<String> argv = new ArrayList<>(List.of("docker"));
        argv.addAll(List.of(args));
        try { new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(); }
        catch (Exception ignored) { }
    }
}
