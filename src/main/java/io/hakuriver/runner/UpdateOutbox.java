package io.hakuriver.runner;

import io.hakuriver.api.TaskStatus;
import io.hakuriver.api.UpdateRequest;
import io.hakuriver.api.WireJson;
import io.hakuriver.api.WireReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Status updates waiting for the Host's acknowledgement, delivered in order by one thread with back-off. They are
 * kept in one append-only journal in the state directory ({@code updates.journal}: a line {@code +<seq> <json>} per
 * update, {@code -<seq>} once settled), which is rewritten with only the unsettled updates at start-up and when it has
 * grown mostly settled. One file, not one per update: a burst of thousands of short tasks then costs appends, not
 * thousands of files created and deleted (on ext4 each deleted inode makes the next allocations slower for a while).
 * The index in memory holds where each update's line is, not the update, so a long outage costs tens of bytes per
 * pending update. A Host that is down or restarting loses nothing; a Runner restart resumes delivery from the journal.
 */
public final class UpdateOutbox implements AutoCloseable {
    private static final WireReader<UpdateRequest> UPDATE = WireReader.of(UpdateRequest.class);
    private static final Logger log = LoggerFactory.getLogger(UpdateOutbox.class);

    /** Most updates handed to one delivery (one /updates call). */
    static final int BATCH = 200;
    /**
     * Only "running"/"paused" updates waiting: they wait up to this long for company, or until an outcome arrives.
     * An outcome frees the task's room on the Host, so it goes at once and takes the waiting ones along; a short
     * task's "running" update is then usually superseded by its outcome before it was sent (one request per task,
     * not two). A long task's "running" reaches the Host 3 ms later, which nothing waits for.
     */
    static final long LINGER_MS = 3;
    /**
     * While updates keep coming (the last delivery ended less than {@link #BUSY_MS} ago) and enough tasks run that
     * more ends are due ({@link #LINGER_RUNNING}), a lone outcome, too, waits {@link #LINGER_MS} for company, so a
     * burst of short tasks costs the Host one request per few updates. After a quiet spell, or on a node running only
     * a couple of tasks (where the wait would only slow each one down), an outcome goes at once.
     */
    static final long BUSY_MS = 5;
    static final int LINGER_RUNNING = 4;
    private volatile java.util.function.IntSupplier runningTasks = () -> 0;

    /** How many tasks run now (the Runner's count), for the linger above. */
    public void lingerWhileRunning(java.util.function.IntSupplier runningTasks) { this.runningTasks = runningTasks; }
    /** Compact the journal once it is this large and at most a quarter of it is unsettled (or all of it is settled). */
    static final long COMPACT_BYTES = 1 << 20;
    static final String JOURNAL = "updates.journal";

    /** Delivers updates in order; returns how many of them, from the first, are settled (0: try again later). */
    public interface Delivery { int deliver(List<UpdateRequest> inOrder); }

    /** One unsettled update: where its journal line's JSON is, or the update itself when it could not be written. */
    private record Pending(long taskId, boolean progress, long offset, int length, UpdateRequest unsaved) {}

    private final Path dir;
    private final Path journalPath;
    private final Delivery deliver;
    private final Object lock = new Object();
    // guarded by lock
    private final TreeMap<Long, Pending> index = new TreeMap<>();
    private final Map<Long, ArrayDeque<Long>> progressOf = new HashMap<>();
    /** Unsettled updates per task. */
    private final Map<Long, Integer> perTask = new HashMap<>();
    private final Set<Long> inFlight = new HashSet<>();
    /** In-flight progress updates whose task's outcome arrived meanwhile: dropped if this delivery fails. */
    private final Set<Long> supersededInFlight = new HashSet<>();
    /** RandomAccessFile, not a FileChannel: an interrupted thread must not close the journal for everyone. */
    private RandomAccessFile journal; // null while it cannot be opened: updates then live in memory only
    private long end;
    private long unsettledBytes;
    private long seq;
    private boolean nudged;
    /** Entries of {@link #index} that are "running"/"paused" updates. */
    private int progressPending;

    private final Thread worker;
    private volatile boolean running = true;

    /** @param deliver settles updates in order: acknowledged (2xx) or definitively refused (400/404/422) */
    public UpdateOutbox(Path dir, Delivery deliver) throws IOException {
        this.dir = dir;
        this.journalPath = dir.resolve(JOURNAL);
        this.deliver = deliver;
        Files.createDirectories(dir);
        TreeMap<Long, UpdateRequest> waiting = new TreeMap<>();
        List<Path> legacy = readLegacyFiles(waiting);
        if (Files.exists(journalPath)) replay(waiting);
        synchronized (lock) {
            seq = waiting.isEmpty() ? 0 : waiting.lastKey();
            rewrite(waiting);
        }
        for (Path p : legacy) Files.deleteIfExists(p); // only now: the journal holds what they held
        if (!waiting.isEmpty()) log.info("{} status updates from an earlier Runner process are waiting for the Host", waiting.size());
        worker = Fatal.thread(this::loop, "update-outbox");
        worker.start();
    }

    public void add(UpdateRequest u) {
        boolean progress = isProgress(u.status());
        synchronized (lock) {
            if (!progress) dropProgressOf(u.taskId());
            long n = ++seq;
            restore(n, append(n, u, progress));
            lock.notifyAll();
        }
    }

    public int pending() { synchronized (lock) { return index.size(); } }

    private static boolean isProgress(TaskStatus status) { return status == TaskStatus.RUNNING || status == TaskStatus.PAUSED; }

    /**
     * A task's outcome makes its undelivered "running"/"paused" updates pointless (the outcome carries started_at,
     * and the Host takes assigning → completed): a short task then costs one update, not two. One already handed
     * to the Host is delivered anyway, before the outcome.
     */
    private void dropProgressOf(long taskId) {
        ArrayDeque<Long> seqs = progressOf.remove(taskId);
        if (seqs == null) return;
        List<Long> dropped = new ArrayList<>(seqs.size());
        for (long s : seqs) {
            if (inFlight.contains(s)) { supersededInFlight.add(s); continue; } // dropped if not settled
            if (forget(s)) dropped.add(s);
        }
        writeSettled(dropped);
    }

    /** Tasks with updates not yet acknowledged: the heartbeat keeps reporting them so the Host does not lose them. */
    public Set<Long> pendingTaskIds() {
        synchronized (lock) { return new HashSet<>(perTask.keySet()); }
    }

    /** Whether the task has an update the Host has not acknowledged yet. */
    public boolean hasPending(long taskId) {
        synchronized (lock) { return perTask.containsKey(taskId); }
    }

    /** The Host answered something else just now: retry delivery at once instead of waiting out the back-off. */
    public void nudge() {
        synchronized (lock) { if (!index.isEmpty()) { nudged = true; lock.notifyAll(); } }
    }

    /** Under lock: waits (see {@link #LINGER_MS}, {@link #BUSY_MS}) while a few more updates may join this request. */
    private void lingerForCompany(long lastDelivery) throws InterruptedException {
        boolean busy = System.nanoTime() - lastDelivery < BUSY_MS * 1_000_000 && runningTasks.getAsInt() >= LINGER_RUNNING;
        long until = System.nanoTime() + LINGER_MS * 1_000_000;
        while (running && !index.isEmpty() && index.size() < 8 && (busy || progressPending == index.size())) {
            long left = until - System.nanoTime();
            if (left <= 0) return;
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(lock, left); // an add wakes it: look again
        }
    }

    private void loop() {
        long backoff = 200;
        long lastDelivery = 0;
        while (running) {
            try {
                List<Long> seqs = new ArrayList<>();
                List<UpdateRequest> batch = new ArrayList<>();
                synchronized (lock) {
                    while (index.isEmpty() && running) lock.wait(1000);
                    if (!running) return;
                    lingerForCompany(lastDelivery);
                    List<Long> unreadable = new ArrayList<>();
                    for (Map.Entry<Long, Pending> e : index.entrySet()) {
                        if (batch.size() == BATCH) break;
                        UpdateRequest u = read(e.getKey(), e.getValue());
                        if (u == null) { unreadable.add(e.getKey()); continue; }
                        seqs.add(e.getKey());
                        batch.add(u);
                    }
                    for (long s : unreadable) forget(s);
                    writeSettled(unreadable);
                    inFlight.addAll(seqs);
                }
                if (batch.isEmpty()) continue;
                int settled = 0;
                try { settled = deliver.deliver(batch); }
                finally {
                    lastDelivery = System.nanoTime();
                    synchronized (lock) {
                        inFlight.clear();
                        List<Long> done = new ArrayList<>(seqs.subList(0, settled));
                        for (long s : seqs.subList(settled, seqs.size())) if (supersededInFlight.contains(s)) done.add(s);
                        supersededInFlight.clear();
                        done.removeIf(s -> !forget(s));
                        writeSettled(done);
                        compactIfWorthIt();
                    }
                }
                if (settled > 0) { backoff = 200; continue; }
                synchronized (lock) {
                    if (!nudged) lock.wait(backoff);
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

    /** Removes one update from the index; false when it was not there (settled meanwhile). */
    private boolean forget(long s) {
        Pending p = index.remove(s);
        if (p == null) return false;
        if (p.progress()) progressPending--;
        if (p.unsaved() == null) unsettledBytes -= p.length();
        perTask.computeIfPresent(p.taskId(), (k, c) -> c == 1 ? null : c - 1);
        if (p.progress()) {
            ArrayDeque<Long> q = progressOf.get(p.taskId());
            if (q != null && q.remove(s) && q.isEmpty()) progressOf.remove(p.taskId());
        }
        return true;
    }

    // ---- the journal (every method below runs under lock) ----

    private Pending append(long n, UpdateRequest u, boolean progress) {
        byte[] json = WireJson.bytes(u);
        byte[] head = ("+" + n + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] line = new byte[head.length + json.length + 1];
        System.arraycopy(head, 0, line, 0, head.length);
        System.arraycopy(json, 0, line, head.length, json.length);
        line[line.length - 1] = '\n';
        long at = end + head.length;
        if (write(line, "update for task " + u.taskId())) {
            unsettledBytes += json.length;
            return new Pending(u.taskId(), progress, at, json.length, null);
        }
        return new Pending(u.taskId(), progress, -1, 0, u);
    }

    private void writeSettled(List<Long> seqs) {
        if (seqs.isEmpty() || journal == null) return;
        StringBuilder sb = new StringBuilder(seqs.size() * 12);
        for (long s : seqs) sb.append('-').append(s).append('\n');
        // a lost settle line only means the update is delivered once more after a restart (the Host takes it again)
        write(sb.toString().getBytes(StandardCharsets.US_ASCII), "settled updates");
    }

    /** Appends at the end; on failure (a full disk) cuts off what was partly written and answers false. */
    private boolean write(byte[] buf, String what) {
        if (journal == null) return false;
        try {
            journal.seek(end);
            journal.write(buf);
            end += buf.length;
            return true;
        } catch (IOException e) {
            log.error("cannot persist {} in {}: {} — delivering from memory only", what, journalPath, e.toString());
            try { journal.setLength(end); } catch (IOException ignored) { /* the torn line is skipped at replay */ }
            return false;
        }
    }

    /** The update behind an index entry; null (dropped, with a log line) when its line cannot be read back. */
    private UpdateRequest read(long s, Pending p) {
        if (p.unsaved() != null) return p.unsaved();
        try {
            byte[] b = new byte[p.length()];
            journal.seek(p.offset());
            journal.readFully(b);
            return UPDATE.read(b);
        } catch (IOException | RuntimeException e) {
            log.error("update {} in {} is unreadable ({}); dropping it", s, journalPath, e.getMessage());
            return null;
        }
    }

    private void compactIfWorthIt() {
        boolean allSettled = index.isEmpty() && end > COMPACT_BYTES / 16; // an empty rewrite costs next to nothing
        if (!allSettled && (end < COMPACT_BYTES || unsettledBytes * 4 > end)) return;
        TreeMap<Long, UpdateRequest> waiting = new TreeMap<>();
        Map<Long, Pending> kept = new HashMap<>();
        for (Map.Entry<Long, Pending> e : index.entrySet()) {
            if (e.getValue().unsaved() != null) { kept.put(e.getKey(), e.getValue()); continue; }
            UpdateRequest u = read(e.getKey(), e.getValue());
            if (u != null) waiting.put(e.getKey(), u);
        }
        index.clear();
        progressPending = 0;
        progressOf.clear();
        perTask.clear();
        try {
            rewrite(waiting);
        } catch (IOException e) {
            log.warn("cannot compact {}: {}", journalPath, e.toString());
        }
        for (var e : kept.entrySet()) restore(e.getKey(), e.getValue());
    }

    /**
     * Replaces the journal by one holding exactly {@code waiting} (written beside it, then renamed: a crash leaves
     * the old journal or the new one), and indexes them.
     */
    private void rewrite(TreeMap<Long, UpdateRequest> waiting) throws IOException {
        Path tmp = dir.resolve(JOURNAL + ".tmp");
        if (journal != null) { journal.close(); journal = null; }
        end = 0;
        unsettledBytes = 0;
        List<Pending> saved = new ArrayList<>();
        try {
            Files.deleteIfExists(tmp);
            journal = new RandomAccessFile(tmp.toFile(), "rw");
            for (var e : waiting.entrySet()) saved.add(append(e.getKey(), e.getValue(), isProgress(e.getValue().status())));
            journal.close();
            journal = null;
            try { Files.move(tmp, journalPath, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING); }
            catch (AtomicMoveNotSupportedException e) { Files.move(tmp, journalPath, StandardCopyOption.REPLACE_EXISTING); }
            journal = new RandomAccessFile(journalPath.toFile(), "rw");
        } catch (IOException e) {
            // keep delivering from memory: nothing is lost while this process lives
            log.error("cannot write {}: {} — delivering from memory only", journalPath, e.toString());
            if (journal != null) { try { journal.close(); } catch (IOException ignored) { } journal = null; }
            saved.clear();
            end = 0;
            unsettledBytes = 0;
            for (UpdateRequest u : waiting.values()) saved.add(new Pending(u.taskId(), isProgress(u.status()), -1, 0, u));
        }
        int i = 0;
        for (long s : waiting.keySet()) restore(s, saved.get(i++));
    }

    private void restore(long s, Pending p) {
        if (index.put(s, p) == null && p.progress()) progressPending++;
        perTask.merge(p.taskId(), 1, Integer::sum);
        if (p.progress()) progressOf.computeIfAbsent(p.taskId(), k -> new ArrayDeque<>(2)).add(s);
    }

    /** Reads the journal of an earlier process: unsettled updates by sequence; a torn or garbled line is skipped. */
    private void replay(TreeMap<Long, UpdateRequest> waiting) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(journalPath, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                try {
                    if (line.startsWith("-")) { waiting.remove(Long.parseLong(line.substring(1).trim())); continue; }
                    int sp = line.indexOf(' ');
                    if (!line.startsWith("+") || sp < 0) throw new IllegalArgumentException("not a journal line");
                    waiting.put(Long.parseLong(line.substring(1, sp)), UPDATE.read(line.substring(sp + 1).getBytes(StandardCharsets.UTF_8)));
                } catch (RuntimeException e) {
                    log.warn("skipping an unreadable line of {} (a write cut short?): {}", journalPath, e.getMessage());
                }
            }
        }
    }

    /** Updates left by a Runner version that kept one file per update ({@code <seq>-<task>.json}). */
    private List<Path> readLegacyFiles(TreeMap<Long, UpdateRequest> waiting) throws IOException {
        List<Path> files = new ArrayList<>();
        try (var s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (n.endsWith(".json.tmp")) { files.add(p); continue; }
                if (!n.endsWith(".json")) continue;
                try {
                    waiting.put(Long.parseLong(n.substring(0, n.indexOf('-'))), UPDATE.read(Files.readAllBytes(p)));
                    files.add(p);
                } catch (RuntimeException e) {
                    log.warn("ignoring unexpected file {} in the update outbox", p);
                }
            }
        }
        return files;
    }

    /** Waits until every queued update was delivered (or the timeout passes); true when empty. */
    public boolean drain(long timeoutMs) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < end) {
            if (pending() == 0) return true;
            Thread.sleep(50);
        }
        return pending() == 0;
    }

    /** Stops delivery and waits for the worker, so no update is sent after close() returns. */
    @Override public void close() {
        running = false;
        synchronized (lock) { lock.notifyAll(); }
        worker.interrupt();
        try { worker.join(20_000); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        synchronized (lock) {
            if (journal != null) { try { journal.close(); } catch (IOException ignored) { } journal = null; }
        }
    }
}
