package io.hakuriver.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.client.HostClient;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Host and Runners started through the real launcher script {@code bin/hakuriver} (so they get exactly the JVM
 * flags users get), each a separate process with its own TOML config, all state under one temporary directory.
 * Unlike {@code testsupport.Cluster} (fixed test JVM flags) this is what memory and start-up figures must use.
 */
final class LaunchedCluster implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();

    final Path dir;
    final int hostPort;
    private final Path launcher;
    private final Path jar;
    private final int heartbeatSeconds;
    private Process host;
    private final Map<String, Process> runners = new LinkedHashMap<>();
    private final Map<String, Integer> runnerPorts = new LinkedHashMap<>();

    /** @param heartbeatSeconds [timing] heartbeat_interval of every process (the simulated runners use it too) */
    LaunchedCluster(Path launcher, Path jar, int heartbeatSeconds) throws IOException {
        // bench.dir: where the cluster's folders go (e.g. /dev/shm, to take this machine's disk out of the figures)
        String base = System.getProperty("bench.dir", "");
        this.dir = base.isEmpty() ? Files.createTempDirectory("hakuriver-bench-") : Files.createTempDirectory(Path.of(base), "hakuriver-bench-");
        this.launcher = launcher.toAbsolutePath();
        this.jar = jar.toAbsolutePath();
        this.heartbeatSeconds = heartbeatSeconds;
        this.hostPort = freePort();
        Files.createDirectories(dir.resolve("shared"));
        Files.writeString(dir.resolve("host.toml"), baseToml());
    }

    String hostUrl() { return "http://127.0.0.1:" + hostPort; }
    HostClient client() { return new HostClient(hostUrl(), ""); }
    long hostPid() { return host.pid(); }
    long runnerPid(String name) { return runners.get(name).pid(); }
    String runnerUrl(String name) { return "http://127.0.0.1:" + runnerPorts.get(name); }

    private String baseToml() {
        return """
            [network]
            host_bind_ip = "127.0.0.1"
            host_port = %d
            host_reachable_address = "127.0.0.1"
            [paths]
            shared_dir = "%s"
            local_temp_dir = "%s"
            [database]
            db_file = "%s"
            [timing]
            heartbeat_interval = %d
            heartbeat_timeout_factor = 6
            cleanup_check_interval = %d
            """.formatted(hostPort, dir.resolve("shared"), dir.resolve("temp-host"), dir.resolve("db/cluster.db"),
                heartbeatSeconds, heartbeatSeconds);
    }

    /** Starts the Host; returns nanoseconds from process start until GET /healthz answered 200. */
    long startHost() throws Exception {
        long t0 = System.nanoTime();
        host = spawn("host", dir.resolve("host.toml"), dir.resolve("host.log"));
        awaitOk(hostUrl() + "/healthz", host, "host");
        return System.nanoTime() - t0;
    }

    /** Start-up timings of one Runner, in nanoseconds from process start. */
    record RunnerStart(long untilHealthz, long untilRegistered) {}

    /** Starts a Runner named {@code name} (plain-process backend for --container NULL) and waits until it is online. */
    RunnerStart startRunner(String name) throws Exception {
        int port = freePort();
        Path cfg = dir.resolve("runner-" + name + ".toml");
        String toml = baseToml()
                .replace("[network]\n", "[network]\nrunner_address = \"127.0.0.1\"\nrunner_port = " + port + "\n")
                .replace(dir.resolve("temp-host").toString(), dir.resolve("temp-" + name).toString())
                + "[runner]\nname = \"" + name + "\"\nnull_backend = \"process\"\nallow_root_tasks = true\n"
                + "state_dir = \"" + dir.resolve("state-" + name) + "\"\n";
        Files.writeString(cfg, toml);
        long t0 = System.nanoTime();
        Process p = spawn("runner", cfg, dir.resolve("runner-" + name + ".log"));
        runners.put(name, p);
        runnerPorts.put(name, port);
        long healthz = -1, registered = -1;
        long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && (healthz < 0 || registered < 0)) {
            if (!p.isAlive()) throw new IllegalStateException("runner " + name + " exited with " + p.exitValue() + "\n" + tail("runner-" + name + ".log"));
            if (healthz < 0 && status("http://127.0.0.1:" + port + "/healthz") == 200) healthz = System.nanoTime() - t0;
            if (registered < 0 && isOnline(name)) registered = System.nanoTime() - t0;
            Thread.sleep(5);
        }
        if (registered < 0) throw new IllegalStateException("runner " + name + " did not register within 60 s\n" + tail("runner-" + name + ".log"));
        return new RunnerStart(healthz, registered);
    }

    boolean isOnline(String node) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(hostUrl() + "/nodes")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) return false;
            for (JsonNode n : io.hakuriver.util.Json.tree(r.body())) {
                if (node.equals(n.path("hostname").asText()) && "online".equals(n.path("status").asText())) return true;
            }
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private Process spawn(String what, Path config, Path log) throws IOException {
        List<String> argv = new ArrayList<>(List.of(launcher.toString(), what, "--config", config.toString()));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = pb.environment();
        env.put("HAKURIVER_JAR", jar.toString());
        env.put("HOME", dir.toString()); // no ~/.hakuriver/config.toml of this machine leaks in
        // -Dbench.nmt: the JVM's native memory tracking, added on top of the launcher's own flags
        if (Boolean.getBoolean("bench.nmt")) env.put("JAVA_TOOL_OPTIONS", "-XX:NativeMemoryTracking=summary");
        for (String k : List.of("HAKURIVER_CONFIG", "HAKURIVER_TOKEN", "NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID")) env.remove(k);
        return pb.start(); // the launcher execs java: this pid is the JVM's
    }

    private static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private void awaitOk(String url, Process p, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) throw new IllegalStateException(what + " exited with " + p.exitValue() + "\n" + tail(what + ".log"));
            if (status(url) == 200) return;
            Thread.sleep(5);
        }
        throw new IllegalStateException(what + " did not answer " + url + " within 60 s\n" + tail(what + ".log"));
    }

    String tail(String logName) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve(logName));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log " + logName + ")";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) { return s.getLocalPort(); }
    }

    Path sharedDir() { return dir.resolve("shared"); }

    @Override public void close() {
        List<Process> all = new ArrayList<>(runners.values());
        if (host != null) all.add(host);
        for (Process p : all) p.destroy();
        for (Process p : all) {
            try { if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS); }
            catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        }
        if (!Boolean.getBoolean("bench.keep")) deleteTree(dir);
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> { try { Files.deleteIfExists(p); } catch (IOException ignored) { } });
        } catch (IOException ignored) { }
    }
}
