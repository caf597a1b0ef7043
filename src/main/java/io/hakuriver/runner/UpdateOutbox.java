package io.hakuriver.runner;

import io.hakuriver.api.UpdateRequest;
import io.hakuriver.util.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Status updates waiting for the Host's acknowledgement, one file each in the state directory, delivered in
 * order by one thread with back-off. A Host that is down or restarting loses nothing; a Runner restart resumes
 * delivery from the files (the original tried once and dropped the update).
 */
public final class UpdateOutbox implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UpdateOutbox.class);

    private final Path dir;
    private final Predicate<UpdateRequest> deliver;
    private final AtomicLong seq = new AtomicLong();
    private final Thread worker;
    private final Object signal = new Object();
    private volatile boolean running = true;
    private volatile int pending;
    private volatile boolean nudged;

    /** @param deliver returns true when the Host acknowledged (2xx) or definitively refused the update (4xx but 401/408/429) */
    public UpdateOutbox(Path dir, Predicate<UpdateRequest> deliver) throws IOException {
        this.dir = dir;
        this.deliver = deliver;
        Files.createDirectories(dir);
        long max = 0;
        for (Path p : files()) max = Math.max(max, seqOf(p));
        seq.set(max);
        pending = files().size();
        worker = new Thread(this::loop, "update-outbox");
        worker.setDaemon(true);
        worker.start();
    }

    public void add(UpdateRequest u) {
        long n = seq.incrementAndGet();
        Path tmp = dir.resolve(String.format("%016d-%d.json.tmp", n, u.taskId()));
        Path target = dir.resolve(String.format("%016d-%d.json", n, u.taskId()));
        try {
            Files.write(tmp, Json.bytes(u));
            try { Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE); }
            catch (AtomicMoveNotSupportedException e) { Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING); }
        } catch (IOException e) {
            log.error("cannot persist update for task {} in {}: {} — delivering from memory only", u.taskId(), dir, e.toString());
        }
        synchronized (signal) { pending++; signal.notifyAll(); }
    }

    public int pending() { return pending; }

    /** Tasks with updates not yet acknowledged: the heartbeat keeps reporting them so the Host does not lose them. */
    public java.util.Set<Long> pendingTaskIds() {
        java.util.Set<Long> ids = new java.util.HashSet<>();
        try {
            for (Path p : files()) {
                String n = p.getFileName().toString();
                try { ids.add(Long.parseLong(n.substring(n.indexOf('-') + 1, n.length() - ".json".length()))); }
                catch (RuntimeException ignored) { }
            }
        } catch (IOException ignored) { }
        return ids;
    }

    /** The Host answered something else just now: retry delivery at once instead of waiting out the back-off. */
    public void nudge() {
        if (pending > 0) { synchronized (signal) { nudged = true; signal.notifyAll(); } }
    }

    private List<Path> files() throws IOException {
        List<Path> out = new ArrayList<>();
        try (var s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().forEach(out::add);
        }
        return out;
    }

    private static long seqOf(Path p) {
        try { return Long.parseLong(p.getFileName().toString().split("-")[0]); } catch (NumberFormatException e) { return 0; }
    }

    private void loop() {
        long backoff = 200;
        while (running) {
            try {
                List<Path> batch = files();
                pending = batch.size();
                if (batch.isEmpty()) {
                    synchronized (signal) { if (pending == 0 && running) signal.wait(1000); }
                    continue;
                }
                boolean progressed = false;
                for (Path p : batch) {
                    UpdateRequest u = Json.read(Files.readString(p), UpdateRequest.class);
                    if (!deliver.test(u)) break;
                    Files.deleteIfExists(p);
                    progressed = true;
                    backoff = 200;
                }
                if (!progressed) {
                    synchronized (signal) { if (!nudged) signal.wait(backoff); }
                    if (nudged) { nudged = false; backoff = 200; }
                    else backoff = Math.min(backoff * 2, 10_000);
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                log.warn("update delivery problem (will retry): {}", e.toString());
                try { Thread.sleep(backoff); } catch (InterruptedException ie) { return; }
                backoff = Math.min(backoff * 2, 10_000);
            }
        }
    }

    /** Waits until every queued update was delivered (or the timeout passes); true when empty. */
    public boolean drain(long timeoutMs) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < end) {
            try { if (files().isEmpty()) return true; } catch (IOException e) { return false; }
            Thread.sleep(50);
        }
        return false;
    }

    /** Stops delivery and waits for the worker, so no update is sent after close() returns. */
    @Override public void close() {
        running = false;
        worker.interrupt();
        try { worker.join(20_000); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
    }
}
