package io.hakuriver.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hakuriver.util.Json;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * N fake Runners behind one in-process HTTP server: each registers with the Host under its own name and URL
 * prefix ({@code /n<i>}), accepts every {@code /run} with 200 and never reports back, and heartbeats with all the
 * tasks it was given in {@code running_tasks} — so the Host keeps them assigned and its queue is exercised
 * without any process being spawned.
 */
final class SimulatedRunners implements AutoCloseable {
    private final String hostUrl;
    private final int nodes;
    private final int coresPerNode;
    private final HttpServer server;
    private final ExecutorService handlers = Executors.newFixedThreadPool(8, daemon("sim-runner-http"));
    private final ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(daemon("sim-runner-beat"));
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Set<Long>> accepted = new ArrayList<>();
    final AtomicLong runCalls = new AtomicLong();
    final AtomicLong heartbeats = new AtomicLong();
    final AtomicLong heartbeatFailures = new AtomicLong();
    final AtomicLong heartbeatNanos = new AtomicLong();

    SimulatedRunners(String hostUrl, int nodes, int coresPerNode) throws IOException {
        this.hostUrl = hostUrl;
        this.nodes = nodes;
        this.coresPerNode = coresPerNode;
        for (int i = 0; i < nodes; i++) accepted.add(ConcurrentHashMap.newKeySet());
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4096);
        server.createContext("/", this::handle);
        server.setExecutor(handlers);
        server.start();
    }

    static String name(int i) { return "sim-" + i; }

    String url(int i) { return "http://127.0.0.1:" + server.getAddress().getPort() + "/n" + i; }

    long acceptedTasks() { return accepted.stream().mapToLong(Set::size).sum(); }

    /** Registers every node, then heartbeats every {@code intervalSeconds}. */
    void start(int intervalSeconds) throws Exception {
        for (int i = 0; i < nodes; i++) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("hostname", name(i));
            body.put("total_cores", coresPerNode);
            body.put("total_ram_bytes", 64L << 30);
            body.put("runner_url", url(i));
            body.put("numa_topology", null);
            HttpResponse<String> r = send("POST", "/register", body);
            if (r.statusCode() != 200) throw new IllegalStateException("register " + name(i) + ": HTTP " + r.statusCode() + " " + r.body());
        }
        beats.scheduleAtFixedRate(this::beatAll, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
    }

    private void beatAll() {
        for (int i = 0; i < nodes; i++) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("running_tasks", new ArrayList<>(accepted.get(i)));
            body.put("killed_tasks", List.of());
            body.put("cpu_percent", 1.0);
            body.put("memory_percent", 10.0);
            body.put("memory_used_bytes", 1L << 30);
            body.put("memory_total_bytes", 64L << 30);
            long t0 = System.nanoTime();
            try {
                HttpResponse<String> r = send("PUT", "/heartbeat/" + name(i), body);
                if (r.statusCode() != 200) heartbeatFailures.incrementAndGet();
            } catch (Exception e) {
                heartbeatFailures.incrementAndGet();
            }
            heartbeatNanos.addAndGet(System.nanoTime() - t0);
            heartbeats.incrementAndGet();
        }
    }

    private HttpResponse<String> send(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(hostUrl + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))).build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex; InputStream in = ex.getRequestBody()) {
            byte[] body = in.readAllBytes();
            String path = ex.getRequestURI().getPath(); // /n<i>/<action>
            String[] parts = path.split("/");
            int node = -1;
            if (parts.length == 3 && parts[1].startsWith("n")) {
                try { node = Integer.parseInt(parts[1].substring(1)); } catch (NumberFormatException ignored) { }
            }
            if (node < 0 || node >= nodes) { reply(ex, 404, "{\"detail\":\"Not Found\"}"); return; }
            JsonNode json = body.length == 0 ? null : Json.tree(new String(body, StandardCharsets.UTF_8));
            long id = json == null ? 0 : json.path("task_id").asLong();
            switch (parts[2]) {
                case "run" -> {
                    runCalls.incrementAndGet();
                    accepted.get(node).add(id);
                    reply(ex, 200, "{\"message\":\"Task accepted for launch\",\"task_id\":" + id + "}");
                }
                case "kill" -> {
                    accepted.get(node).remove(id);
                    reply(ex, 200, "{\"message\":\"Kill processed for task " + id + ".\"}");
                }
                case "healthz", "health" -> reply(ex, 200, "{\"status\":\"ok\"}");
                default -> reply(ex, 404, "{\"detail\":\"Not Found\"}");
            }
        }
    }

    private static void reply(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicLong n = new AtomicLong();
        return r -> { Thread t = new Thread(r, name + "-" + n.incrementAndGet()); t.setDaemon(true); return t; };
    }

    @Override public void close() {
        beats.shutdownNow();
        server.stop(0);
        handlers.shutdownNow();
    }
}
