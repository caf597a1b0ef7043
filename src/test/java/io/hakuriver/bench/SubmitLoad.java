package io.hakuriver.bench;

import io.hakuriver.util.Json;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fires {@code total} POST /submit requests from {@code clients} threads, each with its own HTTP client and
 * keep-alive connection (what independent users or scripts do), and records every request's latency.
 */
final class SubmitLoad {
    /** Latencies in ns (one per request), wall-clock ns, non-202 answers, and up to 5 sample errors. */
    record Result(long[] latencies, long wallNanos, int errors, List<String> sampleErrors) {
        double perSecond() { return latencies.length / (wallNanos / 1e9); }
    }

    private SubmitLoad() {}

    static Result run(String hostUrl, Map<String, Object> body, int total, int clients) throws InterruptedException {
        byte[] payload = Json.bytes(body);
        long[] lat = new long[total];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
        URI uri = URI.create(hostUrl + "/submit");
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
                HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build();
                for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                    long s = System.nanoTime();
                    try {
                        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                        lat[i] = System.nanoTime() - s;
                        if (r.statusCode() != 202) {
                            errors.incrementAndGet();
                            if (samples.size() < 5) samples.add("HTTP " + r.statusCode() + ": " + r.body());
                        }
                    } catch (Exception e) {
                        lat[i] = System.nanoTime() - s;
                        errors.incrementAndGet();
                        if (samples.size() < 5) samples.add(e.toString());
                        if (e instanceof InterruptedException) return;
                    }
                }
            }, "submit-client-" + c);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) t.join();
        long wall = System.nanoTime() - t0;
        return new Result(lat, wall, errors.get(), new ArrayList<>(samples));
    }
}
