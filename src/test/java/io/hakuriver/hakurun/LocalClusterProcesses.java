package io.hakuriver.hakurun;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.testsupport.Env;
import io.hakuriver.util.Json;

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
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A Host and N Runners as separate JVMs from the shaded jar, on loopback ports of this machine, tasks run by the
 * plain-process backend ({@code --container NULL}). Used until the shared test support offers the same; it
 * creates no containers or images, only processes and a temporary directory that it removes with them.
 */
final class LocalClusterProcesses implements AutoCloseable {
    final Path dir;
    final Path config;
    final String hostUrl;
    final List<String> nodes = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    LocalClusterProcesses(Path dir, int runners) throws Exception {
        this.dir = dir;
        int hostPort = freePort();
        this.hostUrl = "http://127.0.0.1:" + hostPort;
        this.config = writeConfig(dir.resolve("config.toml"), hostPort);
        try {
            processes.add(start("host", "host", "-c", config.toString()));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> get("/nodes").isArray());
            for (int i = 1; i <= runners; i++) {
                String name = "node" + i;
                Path runnerConfig = Files.writeString(dir.resolve(name + ".toml"), """
                        [network]
                        runner_port = %d
                        [runner]
                        name = "%s"
                        """.formatted(freePort(), name));
                // common settings through $HAKURIVER_CONFIG, this runner's own port and name layered over them by --config
                processes.add(start(name, "runner", "-c", runnerConfig.toString()));
                nodes.add(name);
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
                int online = 0;
                for (JsonNode n : get("/nodes")) if ("online".equals(n.path("status").asText())) online++;
                return online == runners;
            });
        } catch (Exception | AssertionError e) {
            close();
            throw new AssertionError("cluster did not come up; logs in " + dir + "\n" + logs(), e);
        }
    }

    private Path writeConfig(Path file, int hostPort) throws IOException {
        Files.createDirectories(dir.resolve("shared"));
        return Files.writeString(file, """
                [network]
                host_bind_ip = "127.0.0.1"
                host_port = %d
                host_reachable_address = "127.0.0.1"
                runner_address = "127.0.0.1"
                runner_bind_ip = "127.0.0.1"
                [paths]
                shared_dir = "%s"
                local_temp_dir = "%s"
                [database]
                db_file = "%s"
                [timing]
                heartbeat_interval = 1
                [runner]
                null_backend = "process"
                allow_root_tasks = true
                """.formatted(hostPort, dir.resolve("shared"), dir.resolve("temp"), dir.resolve("host.db")));
    }

    private Process start(String name, String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of(Env.javaBin().toString(), "-Xmx256m", "-Duser.home=" + dir, "-jar", Env.jar().toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("HAKURIVER_CONFIG", config.toString());
        return pb.start();
    }

    JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(hostUrl + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException("GET " + path + " -> " + r.statusCode() + ": " + r.body());
        return Json.tree(r.body());
    }

    String text(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(hostUrl + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException("GET " + path + " -> " + r.statusCode() + ": " + r.body());
        return r.body();
    }

    String logs() {
        StringBuilder s = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                List<String> lines = Files.readAllLines(p);
                s.append("--- ").append(p.getFileName()).append('\n');
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> s.append(l).append('\n'));
            }
        } catch (IOException e) {
            s.append("(cannot read logs: ").append(e).append(")\n");
        }
        return s.toString();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Runners first (their tasks die with them), then the Host; SIGTERM, then SIGKILL after 15 s. */
    @Override public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            p.destroy();
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
