package io.hakuriver.bench;

import io.hakuriver.client.HostClient;
import io.hakuriver.testsupport.Cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * SQLite next to PostgreSQL in one run, same machine, same real Host and Runner processes (testsupport.Cluster):
 * (1) submit throughput: 8 clients × 250 single-task POST /submit; (2) end to end: one sweep of 1,000 `true` tasks,
 * from the POST until the last is completed. Run: java -cp <test classpath> io.hakuriver.bench.StoreBench
 */
public final class StoreBench {
    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("hakuriver-storebench");
        for (Cluster.Store s : Cluster.Store.values()) {
            Cluster.useStore(s);
            try (Cluster c = Cluster.start(dir.resolve(s.name().toLowerCase()))) {
                c.addRunner("n1", "max_tasks = 64\n");
                c.awaitOnline(1);
                HostClient client = c.client();
                double submits = submitRate(client);
                awaitIdle(client);
                double e2e = endToEnd(client);
                System.out.printf("[storebench] %-10s submit %6.0f tasks/s (8 clients x 250)   end-to-end %6.0f tasks/s (sweep of 1000)%n",
                        s.name().toLowerCase(), submits, e2e);
            }
        }
        System.exit(0);
    }

    private static Map<String, Object> task() {
        return Map.of("command", "true", "arguments", List.of(), "required_cores", 0, "container_name", "NULL");
    }

    private static double submitRate(HostClient client) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        long t0 = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < 8; i++) fs.add(pool.submit(() -> { for (int k = 0; k < 250; k++) client.post("/submit", task()); return null; }));
        for (Future<?> f : fs) f.get();
        double s = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        return 2000 / s;
    }

    private static void awaitIdle(HostClient client) throws Exception {
        Cluster.await(Duration.ofMinutes(10), "all final", () -> "0".equals(client.send("GET",
                "/tasks?status=pending,assigning,running&limit=1", null, Duration.ofSeconds(30)).headers().firstValue("X-Total-Count").orElse("?")));
    }

    private static double endToEnd(HostClient client) throws Exception {
        List<List<String>> sets = new ArrayList<>();
        for (int i = 0; i < 1000; i++) sets.add(List.of(String.valueOf(i)));
        long t0 = System.nanoTime();
        client.post("/submit", Map.of("command", "true", "arguments", List.of(), "argument_sets", sets, "required_cores", 0, "container_name", "NULL"));
        awaitIdle(client);
        return 1000 / ((System.nanoTime() - t0) / 1e9);
    }
}
