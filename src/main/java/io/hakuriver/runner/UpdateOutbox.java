package io.hakuriver.runner;

import io.hakuriver.api.UpdateRequest;
import io.hakuriver.util.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Status updates waiting for the Host's acknowledgement, one file each in the state directory (written to a
 * temporary name, then renamed: a crash leaves a whole update or none), delivered in order by one thread with
 * back-off. An index in memory (sequence → task) says what is pending, so neither the delivery loop nor the
 * heartbeat lists the directory; it is rebuilt from the directory at start-up. A Host that is down or restarting
 * loses nothing; a Runner restart resumes delivery from the files (the original tried once and dropped the update).
 */
public final class UpdateOutbox implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UpdateOutbox.class);

    /**
     * One undelivered update: its task, and the update itself only when its file could not be written. The file's
     * name follows from the sequence number and the task, so thousands of pending updates (a burst the Host has not
     * acknowledged yet) cost tens of bytes each.
     */
    private record Pending(long taskId, UpdateRequest unsaved, boolean progress) {}

    private final Path dir;
    private final Delivery deliver;

    /** Delivers updates in order; returns how many of them, from the first, are settled (0: try again later). */
    public interface Delivery { int deliver(List<UpdateRequest> inOrder); }

    /** Most updates handed to one delivery (one /updates call). */
    static final int BATCH = 200;
    private final AtomicLong seq = new AtomicLong();
    private final ConcurrentSkipListMap<Long, Pending> index = new ConcurrentSkipListMap<>();
    /** Sequence numbers of the batch being delivered right now. */
    private final Set<Long> inFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** In-flight progress updates whose task's outcome arrived meanwhile: dropped if this delivery fails. */
    private final Set<Long> supersededInFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Thread worker;
    private final Object signal = new Object();
    private volatile boolean running = true;
    private volatile boolean nudged;

    /** @param deliver settles updates in order: acknowledged (2xx) or definitively refused (400/404/422) */
    public UpdateOutbox(Path dir, Delivery deliver) throws IOException {
        this.dir = dir;
        this.deliver = deliver;
        Files.createDirectories(dir);
        rebuildIndex();
        worker = Fatal.thread(this::loop, "update-outbox");
        worker.start();
    }

    /** Files are named {@code <16-digit sequence>-<task id>.json}; leftovers of an interrupted write are removed. */
    private void rebuildIndex() throws IOException {
        try (var s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (n.endsWith(".json.tmp")) { Files.deleteIfExists(p); continue; }
                if (!n.endsWith(".json")) continue;
                int dash = n.indexOf('-');
                try {
                    long sq = Long.parseLong(n.substring(0, dash));
                    long task = Long.parseLong(n.substring(dash + 1, n.length() - ".json".length()));
                    if (!file(sq, task).equals(p)) throw new IllegalArgumentException("not our name");
                    index.put(sq, new Pending(task, null, false)); // unknown kind: never dropped as superseded
                } catch (RuntimeException e) {
                    log.warn("ignoring unexpected file {} in the update outbox", p);
                }
            }
        }
        seq.set(index.isEmpty() ? 0 : index.lastKey());
        if (!index.isEmpty()) log.info("{} status updates from an earlier Runner process are waiting for the Host", index.size());
    }

    public void add(UpdateRequest u) {
        boolean progress = isProgress(u.status());
        if (!progress) dropProgressOf(u.taskId());
        long n = seq.incrementAndGet();
        Path target = file(n, u.taskId());
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Pending p;
        try {
            Files.write(tmp, Json.bytes(u));
            try { Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE); }
            catch (AtomicMoveNotSupportedException e) { Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING); }
            p = new Pending(u.taskId(), null, progress);
        } catch (IOException e) {
            log.error("cannot persist update for task {} in {}: {} — delivering from memory only", u.taskId(), dir, e.toString());
            p = new Pending(u.taskId(), u, progress);
        }
        index.put(n, p);
        synchronized (signal) { signal.notifyAll(); }
    }

    public int pending() { return index.size(); }

    private static boolean isProgress(String status) { return "running".equals(status) || "paused".equals(status); }

    /**
     * A task's outcome makes its undelivered "running"/"paused" updates pointless (the outcome carries started_at,
     * and the Host takes assigning → completed): a short task then costs one update, not two. One already handed
     * to the Host is delivered anyway, before the outcome.
     */
    private void dropProgressOf(long taskId) {
        for (var e : index.entrySet()) {
            Pending p = e.getValue();
            if (p.taskId() != taskId || !p.progress()) continue;
            if (inFlight.contains(e.getKey())) { supersededInFlight.add(e.getKey()); continue; } // dropped if not settled
            if (index.remove(e.getKey(), p) && p.unsaved() == null) {
                try { Files.deleteIfExists(file(e.getKey(), taskId)); } catch (IOException ignored) { /* rebuilt as unknown: delivered */ }
            }
        }
    }

    /** Tasks with updates not yet acknowledged: the heartbeat keeps reporting them so the Host does not lose them. */
    public Set<Long> pendingTaskIds() {
        Set<Long> ids = new HashSet<>();
        for (Pending p : index.values()) ids.add(p.taskId());
        return ids;
    }

    /** The Host answered something else just now: retry delivery at once instead of waiting out the back-off. */
    public void nudge() {
        if (!index.isEmpty()) { synchronized (signal) { nudged = true; signal.notifyAll(); } }
    }

    private void loop() {
        long backoff = 200;
        while (running) {
            try {
                if (index.isEmpty()) {
                    synchronized (signal) { if (index.isEmpty() && running) signal.wait(1000); }
                    continue;
                }
                // the oldest updates, in order; unreadable ones are dropped on the way
                List<Map.Entry<Long, Pending>> entries = new ArrayList<>();
                List<UpdateRequest> batch = new ArrayList<>();
                for (Map.Entry<Long, Pending> e : index.entrySet()) {
                    if (batch.size() == BATCH) break;
                    UpdateRequest u = read(e.getKey(), e.getValue());
                    if (u == null) { settle(e); continue; }
                    entries.add(e);
                    batch.add(u);
                }
                if (batch.isEmpty()) continue;
                for (var e : entries) inFlight.add(e.getKey());
                int settled;
                try { settled = deliver.deliver(batch); } finally { inFlight.clear(); }
                for (int i = 0; i < settled; i++) settle(entries.get(i));
                for (int i = settled; i < entries.size(); i++) {
                    if (supersededInFlight.contains(entries.get(i).getKey())) settle(entries.get(i));
                }
                supersededInFlight.clear();
                if (settled > 0) { backoff = 200; continue; }
                synchronized (signal) { if (!nudged) signal.wait(backoff); }
                if (nudged) { nudged = false; backoff = 200; }
                else backoff = Math.min(backoff * 2, 10_000);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                log.warn("update delivery problem (will retry): {}", e.toString());
                try { Thread.sleep(backoff); } catch (InterruptedException ie) { return; }
                backoff = Math.min(backoff * 2, 10_000);
            }
        }
    }

    private void settle(Map.Entry<Long, Pending> e) throws IOException {
        if (e.getValue().unsaved() == null) Files.deleteIfExists(file(e.getKey(), e.getValue().taskId()));
        index.remove(e.getKey());
    }

    /** The update behind an index entry; null (dropped, with a log line) when its file is gone or unreadable. */
    private UpdateRequest read(long seq, Pending p) throws IOException {
        if (p.unsaved() != null) return p.unsaved();
        Path f = file(seq, p.taskId());
        try {
            return Json.read(Files.readString(f), UpdateRequest.class);
        } catch (NoSuchFileException e) {
            log.warn("update file {} disappeared; skipping it", f);
            return null;
        } catch (IllegalArgumentException e) {
            log.error("update file {} is unreadable ({}); dropping it", f, e.getMessage());
            return null;
        }
    }

    private Path file(long seq, long taskId) { return dir.resolve(String.format("%016d-%d.json", seq, taskId)); }

    /** Waits until every queued update was delivered (or the timeout passes); true when empty. */
    public boolean drain(long timeoutMs) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < end) {
            if (index.isEmpty()) return true;
            Thread.sleep(50);
        }
        return index.isEmpty();
    }

    /** Stops delivery and waits for the worker, so no update is sent after close() returns. */
    @Override public void close() {
        running = false;
        worker.interrupt();
        try { worker.join(20_000); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
    }
}
