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
 * Fires {@code total} POST /submit requests from {@code clients} threads, each on its own keep-alive connection
 * (what independent users or scripts do), and records every request's latency. The load generator is either a
 * raw-socket HTTP/1.1 client (default: cheap, so the number describes the Host) or java.net.http
 * ({@code -Dbench.client=jdk}, what HakuRiver's own client uses).
 */
final class SubmitLoad {
    /** Latencies in ns (one per request), wall-clock ns, non-202 answers, and up to 5 sample errors. */
    record Result(long[] latencies, long wallNanos, int errors, List<String> sampleErrors) {
        double perSecond() { return latencies.length / (wallNanos / 1e9); }
    }

    /** One client's way of sending the request: returns "" for a 202, else a description of the failure. */
    private interface Sender { String submit() throws Exception; }

    private SubmitLoad() {}

    static String clientKind() { return System.getProperty("bench.client", "raw"); }

    static Result run(String hostUrl, Map<String, Object> body, int total, int clients) throws InterruptedException {
        byte[] payload = Json.bytes(body);
        URI uri = URI.create(hostUrl + "/submit");
        long[] lat = new long[total];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                try (RawHttpConnection raw = new RawHttpConnection(uri.getHost(), uri.getPort())) {
                    Sender sender = "jdk".equals(clientKind()) ? jdkSender(uri, payload) : () -> {
                        RawHttpConnection.Response r = raw.post(uri.getPath(), payload);
                        return r.status() == 202 ? "" : "HTTP " + r.status() + ": " + r.body();
                    };
                    for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                        long s = System.nanoTime();
                        String problem;
                        try {
                            problem = sender.submit();
                        } catch (InterruptedException e) {
                            return;
                        } catch (Exception e) {
                            problem = e.toString();
                        }
                        lat[i] = System.nanoTime() - s;
                        if (!problem.isEmpty()) {
                            errors.incrementAndGet();
                            if (samples.size() < 5) samples.add(problem);
                        }
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

    private static Sender jdkSender(URI uri, byte[] payload) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build();
        return () -> {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 202 ? "" : "HTTP " + r.statusCode() + ": " + r.body();
        };
    }
}
