package io.hakuriver.host;

import io.hakuriver.api.TaskStatus;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.store.Database;
import io.hakuriver.store.NodeRecord;
import io.hakuriver.store.NodeStore;
import io.hakuriver.store.StoreException;
import io.hakuriver.store.TaskRecord;
import io.hakuriver.store.TaskStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.hakuriver.store.AttemptRecord;
import io.hakuriver.store.AttemptStore;
import io.hakuriver.store.EventStore;
import io.hakuriver.store.NotificationStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The Host's live state: nodes, non-final tasks, reservations and the queue. Every change happens under the
 * database lock and is written through to SQLite before the lock is released; calls to runners are collected and
 * sent after the lock is released, so a slow runner never stalls the Host.
 *
 * <p>Back-pressure: a node is sent at most {@code [timing] dispatch_window} task starts that its Runner has not
 * answered yet, and holds at most its task limit ({@link Placement#maxTasks}); everything else waits here, in
 * the queue, as {@code pending}. A start the Runner could not take (busy, restarting, unreachable) goes back to
 * the queue with the same id, never to {@code failed}.
 */
final class ClusterState {
    private static final Logger log = LoggerFactory.getLogger(ClusterState.class);
    /** A gap this long between two looks at the clock means the Host itself was not running (GC, SIGSTOP, slow disk). */
    static final Duration STALL = Duration.ofSeconds(3);
    /**
     * Heap the Host lets unfinished tasks hold (estimated, {@link TaskRecord#footprint()}): about 30,000 queued
     * tasks of ordinary size, fewer large ones. Past it a submit is refused with 429 before anything is stored,
     * so a burst meets back-pressure instead of an out-of-memory Host.
     */
    static final long MAX_HELD_BYTES = 32L << 20;

    final HakuConfig config;
    final Database db;
    final TaskStore tasks;
    final NodeStore nodeStore;
    private final Clock clock;
    private final Map<String, NodeRecord> nodes = new LinkedHashMap<>();
    private final Map<String, NodeUsage> usage = new HashMap<>();
    private final Map<String, Instant> nodeSavedAt = new HashMap<>();
    private final Map<Long, TaskRecord> active = new HashMap<>();
    /** Queued tasks in dispatch order: priority (higher first), then id (oldest first). */
    private final PendingQueue queue = new PendingQueue();
    /** Tasks the last scheduling round looked at (tests check that a round costs what it places). */
    private int lastRoundVisited;
    /** Tasks placed on each node (assigning, running, paused, lost): reconciliation looks only at these. */
    private final Map<String, Set<Long>> onNode = new HashMap<>();
    private final Map<Long, Integer> batchHolding = new HashMap<>();
    private final Map<Long, Instant> assignedAt = new HashMap<>();
    /** Starts sent to a runner and not answered yet (they count against the node's dispatch window). */
    private final Set<Long> inFlight = new HashSet<>();
    /** Rows whose write failed (disk full, I/O error); written again by {@link #flushDirty()}. */
    private final Map<Long, TaskRecord> dirty = new LinkedHashMap<>();
    /** Rows written inside the current {@link #batch} (null outside one). */
    private Map<Long, TaskRecord> touched;
    private final List<TaskRecord> resumeAfterStart = new ArrayList<>();
    private final AtomicLong illegalTransitions = new AtomicLong();
    /** Estimated heap held by unfinished tasks ({@link TaskRecord#footprint()}), the budget submit checks. */
    private long heldBytes;
    private List<TaskRecord> fresh = new ArrayList<>();
    /** Who waits on what (--after / --after-any), and the open elements of every batch. */
    private final Dependencies deps = new Dependencies();
    /** Tasks that just ended and whose dependents have not been looked at yet (a chain is walked, not recursed). */
    private final java.util.ArrayDeque<TaskRecord> ended = new java.util.ArrayDeque<>();
    private boolean resolving;
    final AttemptStore attempts;
    final EventStore events;
    final NotificationStore notifications;
    /** Rows in the notification outbox; past {@link #MAX_NOTIFICATIONS} new ones are dropped (and counted). */
    private long notificationsQueued;
    private final AtomicLong notificationsDropped = new AtomicLong();
    /** Bound of the notification outbox: a receiver that is down for days must not fill the disk. */
    static final long MAX_NOTIFICATIONS = 10_000;
    /** Next attempts waiting for their back-off, by due time. */
    private final TreeMap<Due, TaskRecord> delayed = new TreeMap<>();
    /** Lost tasks with retries left: queued again when their node stays away past the grace period. */
    private final Map<Long, TaskRecord> lostWithRetries = new HashMap<>();
    /** Task → node that may still run a lost attempt of it, superseded by a later attempt. */
    private final Map<Long, String> supersededOn = new HashMap<>();
    /** Latency histograms of /metrics, fed by the transitions. */
    private final TaskLatencies latencies = new TaskLatencies();
    private boolean fullScan = true;
    private Instant lastClockLook;
    private RunnerLink link;

    ClusterState(HakuConfig config, Database db, Clock clock) {
        this.config = config;
        this.db = db;
        this.clock = clock;
        this.tasks = new TaskStore(db);
        this.nodeStore = new NodeStore(db);
        this.attempts = new AttemptStore(db);
        this.events = new EventStore(db);
        this.notifications = new NotificationStore(db);
        synchronized (db.lock()) {
            Instant now = now();
            lastClockLook = now;
            notificationsQueued = notifications.count();
            for (NodeRecord n : nodeStore.all()) {
                // the Host was down, not necessarily the runners: give every node a full timeout to check in again
                if (n.online()) n.lastHeartbeat = now;
                nodes.put(n.hostname, n);
                usage.put(n.hostname, new NodeUsage());
            }
            List<TaskRecord> waiting = new ArrayList<>();
            for (TaskRecord t : tasks.nonFinal()) {
                active.put(t.taskId, t);
                heldBytes += t.footprint();
                if (!ended(t)) deps.opened(t);
                if (t.status == TaskStatus.LOST && t.attempt <= t.retries) lostWithRetries.put(t.taskId, t);
                if (t.status == TaskStatus.PENDING && t.dependsOn != null && t.attempt == 1) waiting.add(t);
                else if (t.status == TaskStatus.PENDING && t.retryAt != null) delayed.put(Due.of(t), t);
                else if (t.status == TaskStatus.PENDING) queue.add(t);
                index(t, +1);
                if (holds(t)) { hold(t, +1); assignedAt.put(t.taskId, now); }
                // the Host may have died between committing the assignment and sending /run: send it again
                if (t.status == TaskStatus.ASSIGNING) resumeAfterStart.add(t);
            }
            // dependencies are not stored as a graph: what each waiting task still waits on is worked out again
            for (TaskRecord t : waiting) {
                String failure = awaitDependencies(t);
                if (failure != null) transition(t, TaskStatus.FAILED, r -> r.errorMessage = failure);
                else if (t.unmetDependencies == 0) release(t);
            }
        }
        log.info("Loaded {} nodes and {} unfinished tasks ({} queued, {} assigning)", nodes.size(), active.size(),
                queue.size(), resumeAfterStart.size());
    }

    void setLink(RunnerLink link) { this.link = link; }
    Object lock() { return db.lock(); }
    Instant now() { return clock.instant(); }
    int dispatchWindow() { return config.timing().dispatchWindow(); }
    long illegalTransitions() { return illegalTransitions.get(); }

    // ---- reads (callers hold the lock) ----
    Collection<NodeRecord> nodes() { return nodes.values(); }
    NodeRecord node(String name) { return nodes.get(name); }
    TaskRecord active(long id) { return active.get(id); }
    NodeUsage usage(String node) { return usage.computeIfAbsent(node, k -> new NodeUsage()); }
    int queued() { return queue.size(); }
    int unfinished() { return active.size(); }
    long heldBytes() { return heldBytes; }
    Collection<TaskRecord> activeTasks() { return active.values(); }

    /** Tasks placed on a node (assigning, running, paused, lost), as a copy the caller may change state through. */
    List<TaskRecord> tasksOn(String node) {
        Set<Long> ids = onNode.get(node);
        if (ids == null) return List.of();
        List<TaskRecord> out = new ArrayList<>(ids.size());
        for (long id : ids) { TaskRecord t = active.get(id); if (t != null) out.add(t); }
        return out;
    }

    TaskRecord find(long id) {
        TaskRecord t = active.get(id);
        return t != null ? t : tasks.find(id).orElse(null);
    }

    // ---- mutations (callers hold the lock) ----
    void putNode(NodeRecord n) {
        boolean cameOnline = !nodes.containsKey(n.hostname) || !nodes.get(n.hostname).online();
        nodes.put(n.hostname, n);
        usage.computeIfAbsent(n.hostname, k -> new NodeUsage());
        saveNode(n);
        if (cameOnline && n.online()) fullScan = true;
    }

    void saveNode(NodeRecord n) { nodeStore.save(n); nodeSavedAt.put(n.hostname, now()); }

    /** Saves the node row unless it was saved less than {@code every} ago. */
    void saveNodeEvery(NodeRecord n, Duration every) {
        Instant last = nodeSavedAt.get(n.hostname);
        if (last == null || Duration.between(last, now()).compareTo(every) >= 0) saveNode(n);
    }

    /**
     * Adds freshly submitted tasks (status pending) to the queue, in one transaction; nothing is kept if it fails.
     * A task with dependencies that have not all ended waits outside the queue ({@link #awaitDependencies}).
     */
    void enqueue(List<TaskRecord> newTasks) {
        tasks.saveAll(newTasks);
        db.commitNow(); // stored before it is answered, and nothing enters memory when that fails
        for (TaskRecord t : newTasks) event(t, "submitted", submittedDetail(t));
        for (TaskRecord t : newTasks) {
            active.put(t.taskId, t);
            heldBytes += t.footprint();
            deps.opened(t);
            if (t.dependsOn == null || t.unmetDependencies == 0) { queue.add(t); fresh.add(t); }
        }
        for (TaskRecord t : newTasks) if (t.unmetDependencies > 0) for (long u : t.dependsOn) if (unitOpen(u)) deps.await(u, t.taskId);
    }

    private static String submittedDetail(TaskRecord t) {
        List<String> parts = new ArrayList<>();
        if (t.targetNode != null) parts.add("target " + t.targetNode + (t.targetNumaNodeId == null ? "" : ":" + t.targetNumaNodeId));
        if (t.priority != 0) parts.add("priority " + t.priority);
        if (t.retries > 0) parts.add("up to " + t.retries + (t.retries == 1 ? " retry" : " retries"));
        if (t.dependsOn != null) {
            StringBuilder sb = new StringBuilder(t.afterAny ? "after any outcome of " : "after ");
            for (int i = 0; i < t.dependsOn.length && i < 10; i++) sb.append(i > 0 ? ", " : "").append(t.dependsOn[i]);
            if (t.dependsOn.length > 10) sb.append(", …");
            parts.add(sb.toString());
        }
        if (t.unmetDependencies > 0 && t.errorMessage != null) parts.add(t.errorMessage.toLowerCase(java.util.Locale.ROOT));
        return parts.isEmpty() ? null : String.join("; ", parts);
    }

    // ---- notifications (callers hold the lock) ----

    /**
     * A task ended: a single task is announced by itself; the elements of a sweep are announced once, together,
     * when the last one ends (a sweep of 10,000 is one POST, not 10,000). The bodies wait in the outbox table,
     * written with the change, and are sent by {@link Notifier} outside the lock.
     */
    private void notifyEnded(TaskRecord t, boolean batchDone) {
        String hook = config.notifications().webhook();
        if (hook.isEmpty() && t.notifyUrl == null) return;
        if (t.batchId != null && !batchDone) return; // more elements of its batch to come
        boolean single = t.batchId == null || (t.batchId == t.taskId && tasks.batchSize(t.batchId) <= 1);
        String body = io.hakuriver.util.Json.write(single ? TaskNotices.taskEnded(t, config.hostUrl())
                : TaskNotices.batchEnded(t.batchId, t.command, tasks, now(), config.hostUrl()));
        for (String url : new java.util.LinkedHashSet<>(java.util.Arrays.asList(t.notifyUrl, hook.isEmpty() ? null : hook))) {
            if (url == null) continue;
            if (notificationsQueued >= MAX_NOTIFICATIONS) {
                notificationsDropped.incrementAndGet();
                log.warn("Notification outbox full ({} waiting): the end of task {} is not announced to {}", notificationsQueued, t.taskId, Notifier.redact(url));
                continue;
            }
            notifications.add(url, body, now());
            notificationsQueued++;
        }
    }

    /** For {@link Notifier}: due bodies, then their outcome. */
    List<NotificationStore.Pending> dueNotifications(int limit, Collection<Long> sending) {
        return notificationsQueued == 0 ? List.of() : notifications.due(now(), limit, sending);
    }

    void notificationDelivered(long id) { notifications.delete(id); notificationsQueued = Math.max(0, notificationsQueued - 1); }

    void notificationFailed(NotificationStore.Pending p, Instant next) { notifications.later(p.id(), p.attempts() + 1, next); }

    long notificationsWaiting() { return notificationsQueued; }
    long notificationsDropped() { return notificationsDropped.get(); }

    // ---- dependencies (callers hold the lock) ----

    /** Whether a dependency unit (a task, or a batch id = all its elements) has not ended yet. */
    boolean unitOpen(long unit) {
        if (deps.batchOpen(unit)) return true;
        TaskRecord t = active.get(unit);
        return t != null && !ended(t);
    }

    /**
     * Why an ended unit does not count as succeeded for --after (null when every task of it completed). The words
     * name the dependency, and for a batch its first element that did not complete.
     */
    String unitFailure(long unit) {
        TaskRecord head = find(unit);
        if (head == null) return "Dependency " + unit + " is unknown; this task did not run.";
        if (head.batchId != null && head.batchId == unit) {
            TaskRecord bad = tasks.firstNotCompleted(unit).orElse(null);
            if (bad == null) return null;
            String which = bad.taskId == unit ? "Dependency " + unit : "Dependency batch " + unit + ": its task " + bad.taskId;
            return which + " ended as " + bad.status.wire() + exit(bad) + "; this task did not run.";
        }
        return head.status == TaskStatus.COMPLETED ? null
                : "Dependency " + unit + " ended as " + head.status.wire() + exit(head) + "; this task did not run.";
    }

    private static String exit(TaskRecord t) { return t.exitCode == null ? "" : " (exit code " + t.exitCode + ")"; }

    /**
     * Counts and registers what a waiting task still waits on; returns why it can never run (an --after
     * dependency that already ended without success), or null.
     */
    String awaitDependencies(TaskRecord t) {
        int unmet = 0;
        String failure = null;
        for (long u : t.dependsOn) {
            if (unitOpen(u)) { deps.await(u, t.taskId); unmet++; }
            else if (!t.afterAny && failure == null) failure = unitFailure(u);
        }
        t.unmetDependencies = failure != null ? 0 : unmet;
        return failure;
    }

    /**
     * For new tasks (not registered yet, {@link #enqueue} registers them): counts what the first one waits on, without
     * registering it; returns why they can never run, or null. All tasks of one submission share their dependencies.
     */
    String awaitDependenciesOfNew(TaskRecord t) {
        int unmet = 0;
        String failure = null;
        for (long u : t.dependsOn) {
            if (unitOpen(u)) unmet++;
            else if (!t.afterAny && failure == null) failure = unitFailure(u);
        }
        t.unmetDependencies = failure != null ? 0 : unmet;
        return failure;
    }

    /** The reason shown while a task waits on dependencies (in error_message, where every client shows it). */
    String waitingReason(TaskRecord t) {
        StringBuilder sb = new StringBuilder("Waiting for ");
        int n = 0;
        for (long u : t.dependsOn) {
            if (!unitOpen(u)) continue;
            if (n++ > 0) sb.append(", ");
            if (n > 10) { sb.append("…"); break; }
            sb.append(u);
        }
        return sb.append(t.afterAny ? " to end (--after-any)" : " to complete (--after)").toString();
    }

    /** A waiting task whose dependencies are all met joins the queue. */
    private void release(TaskRecord t) {
        t.unmetDependencies = 0;
        t.errorMessage = null;
        queue.add(t);
        fresh.add(t);
        write(t, "queued", "dependencies met");
    }

    /** Looks at the dependents of tasks that just ended, and of theirs in turn (a failed --after fails its chain). */
    private void resolveEnded() {
        if (resolving) return;
        resolving = true;
        try {
            TaskRecord t;
            while ((t = ended.poll()) != null) {
                boolean batchDone = deps.ended(t);
                if (t.batchId == null || t.batchId != t.taskId) releaseUnit(t.taskId);
                if (batchDone) releaseUnit(t.batchId);
                notifyEnded(t, batchDone);
            }
        } finally {
            resolving = false;
        }
    }

    private void releaseUnit(long unit) {
        List<Long> waiters = deps.release(unit);
        if (waiters == null) return;
        String failure = null;
        boolean failureKnown = false;
        for (long id : waiters) {
            TaskRecord w = active.get(id);
            if (w == null || w.status != TaskStatus.PENDING || w.unmetDependencies == 0) continue; // killed meanwhile
            if (!w.afterAny) {
                if (!failureKnown) { failure = unitFailure(unit); failureKnown = true; }
                if (failure != null) {
                    String why = failure;
                    w.unmetDependencies = 0;
                    transition(w, TaskStatus.FAILED, r -> r.errorMessage = why);
                    continue;
                }
            }
            if (--w.unmetDependencies == 0) release(w);
            else { w.errorMessage = waitingReason(w); write(w); }
        }
    }

    /** Writes a row; a failed write is remembered and retried by {@link #flushDirty()}, then reported to the caller. */
    void write(TaskRecord t) { write(t, null, null); }

    /** Writes the row, and keeps the event that explains the change for the next {@link #flushEvents()}. */
    private void write(TaskRecord t, String event, String detail) {
        if (event != null) event(t, event, detail);
        if (touched != null) touched.put(t.taskId, t);
        try {
            tasks.save(t);
            dirty.remove(t.taskId);
        } catch (StoreException e) {
            dirty.put(t.taskId, t);
            throw e;
        }
    }

    /**
     * Runs several changes as one database transaction (one commit for a batch of runner updates). If the commit
     * fails, every row the batch wrote is remembered as unwritten, since the rollback undid them on disk only.
     */
    <T> T batch(java.util.function.Supplier<T> work) {
        if (touched != null) return work.get();
        touched = new LinkedHashMap<>();
        try {
            return db.inTransaction(work);
        } catch (RuntimeException e) {
            // rolled back (a failed write, a refused request after a write, a lost lease): memory is ahead of the disk
            dirty.putAll(touched);
            throw e;
        } finally {
            touched = null;
        }
    }

    /** Writes rows whose earlier write failed (the disk was full for a moment). Returns how many are still unwritten. */
    int flushDirty() {
        if (dirty.isEmpty()) return 0;
        for (TaskRecord t : new ArrayList<>(dirty.values())) {
            try { tasks.save(t); dirty.remove(t.taskId); }
            catch (StoreException e) { log.warn("database still failing ({} rows waiting): {}", dirty.size(), e.getMessage()); break; }
        }
        return dirty.size();
    }

    /**
     * Moves a task to a new status if the transition table allows it. Adjusts reservations, the queue and the
     * per-node index, writes the row. An illegal move changes nothing, is logged and counted, and returns false.
     */
    boolean transition(TaskRecord t, TaskStatus to, Consumer<TaskRecord> fields) { return transition(t, to, fields, false, null); }

    /** @param note the event's detail when the caller knows why (requeued, deferred); null = worked out from the task */
    boolean transition(TaskRecord t, TaskStatus to, Consumer<TaskRecord> fields, String note) { return transition(t, to, fields, false, note); }

    private boolean transition(TaskRecord t, TaskStatus to, Consumer<TaskRecord> fields, boolean nextAttempt, String note) {
        boolean legal = nextAttempt ? to == TaskStatus.PENDING && TaskTransitions.allowedAsNextAttempt(t.status)
                : TaskTransitions.allowed(t.status, to);
        if (!legal) {
            illegalTransitions.incrementAndGet();
            log.info("Ignored illegal transition of task {}: {} -> {}", t.taskId, t.status.wire(), to.wire());
            return false;
        }
        boolean held = holds(t);
        String heldOn = t.assignedNode;
        TaskStatus from = t.status;
        boolean wasEnded = ended(t);
        Due due = from == TaskStatus.PENDING && t.retryAt != null ? Due.of(t) : null;
        // release what the task held under its old node and status, then take what it holds now
        index(t, -1);
        if (held) hold(t, -1);
        if (from == TaskStatus.ASSIGNING && to != TaskStatus.ASSIGNING) settleInFlight(t.taskId, t.assignedNode);
        t.status = to;
        if (fields != null) fields.accept(t);
        if (to.isFinal() && t.completedAt == null) t.completedAt = now();
        boolean nowHeld = holds(t);
        if (nowHeld) hold(t, +1);
        if (held && !nowHeld) {
            fullScan = true;
            NodeUsage u = usage(heldOn);
            if (t.startsWhenRoom) { t.startsWhenRoom = false; u.whenRoom.remove(t); }
            else promoteWhenRoom(heldOn);
            long nowMs = now().toEpochMilli();
            if (to.isFinal() && t.placedAtMillis > 0 && nowMs - t.placedAtMillis <= WHEN_ROOM_SHORT_MS) u.lastShortEndMillis = nowMs;
        }
        if (from == TaskStatus.PENDING) { queue.remove(t); if (due != null) delayed.remove(due); }
        if (from == TaskStatus.LOST) lostWithRetries.remove(t.taskId);
        if (to == TaskStatus.PENDING) {
            if (t.retryAt != null && t.retryAt.isAfter(now())) delayed.put(Due.of(t), t); // its back-off first
            else { t.retryAt = null; queue.add(t); fresh.add(t); }
        }
        if (to == TaskStatus.LOST && t.attempt <= t.retries) lostWithRetries.put(t.taskId, t);
        if (to.isFinal() && to != TaskStatus.LOST) {
            if (active.remove(t.taskId) != null) heldBytes -= t.footprint();
            assignedAt.remove(t.taskId);
        }
        else active.put(t.taskId, t);
        index(t, +1);
        String[] ev = from != to ? describe(t, from, to, nextAttempt, note) : null;
        if (ev == null) write(t); else write(t, ev[0], ev[1]);
        latencies.observe(t, from, to, now().toEpochMilli());
        boolean isEnded = ended(t);
        if (!to.isFinal()) supersededOn.remove(t.taskId, t.assignedNode); // it runs there again: no copy to refuse
        if (!wasEnded && isEnded) { ended.add(t); resolveEnded(); }
        else if (wasEnded && !isEnded) deps.opened(t); // a lost task its Runner still runs
        return true;
    }

    /**
     * Whether a task has ended for its dependents and its batch: a final status, except lost while it has retries
     * left (it will run again, so what waits on it keeps waiting).
     */
    static boolean ended(TaskRecord t) {
        return t.status.isFinal() && !(t.status == TaskStatus.LOST && t.attempt <= t.retries);
    }

    // ---- retries (callers hold the lock) ----

    /** A task's place among those waiting for their back-off: by due time, then id. */
    record Due(long at, long id) implements Comparable<Due> {
        static Due of(TaskRecord t) { return new Due(t.retryAt.toEpochMilli(), t.taskId); }
        @Override public int compareTo(Due o) { return at != o.at ? Long.compare(at, o.at) : Long.compare(id, o.id); }
    }

    /**
     * The attempt failed and may run again: it is recorded (node, exit code, times; its logs are kept by
     * {@link #keepLogsOfEarlierAttempt}) and the task goes back to the queue, same id, after its back-off.
     */
    void retry(TaskRecord t, Integer exit, String message, Instant started, Instant done) {
        Instant now = now();
        int failed = t.attempt;
        String node = t.assignedNode;
        attempts.save(new AttemptRecord(t.taskId, failed, node, TaskStatus.FAILED.wire(), exit, message,
                started != null ? started : t.startedAt, done != null ? done : now));
        long delay = RetryRules.backoffSeconds(t, failed);
        String why = "Attempt " + failed + (node == null ? "" : " on " + node) + " failed with exit code " + exit + "; attempt "
                + (failed + 1) + " of " + (t.retries + 1) + (delay > 0 ? " starts after a back-off of " + delay + " s" : " is queued");
        requeueAttempt(t, why, delay > 0 ? now.plusSeconds(delay) : null);
        log.info("Task {}: {}", t.taskId, why);
    }

    /** A lost task whose node did not come back within the grace period runs again elsewhere, as its next attempt. */
    private void retryLost(TaskRecord t) {
        int lost = t.attempt;
        String node = t.assignedNode;
        attempts.save(new AttemptRecord(t.taskId, lost, node, TaskStatus.LOST.wire(), null, t.errorMessage, t.startedAt, t.completedAt));
        if (node != null) supersededOn.put(t.taskId, node);
        String why = "Attempt " + lost + " was lost on " + node + " (" + t.errorMessage + "); queued again as attempt "
                + (lost + 1) + " of " + (t.retries + 1) + " after " + config.timing().lostRequeueGrace() + " s without its node";
        requeueAttempt(t, why, null);
        log.warn("Task {}: {}", t.taskId, why);
    }

    private void requeueAttempt(TaskRecord t, String why, Instant notBefore) {
        transition(t, TaskStatus.PENDING, r -> {
            r.attempt++; r.assignedNode = null; r.exitCode = null; r.startedAt = null; r.completedAt = null;
            r.assignmentSuspicionCount = 0; r.errorMessage = why; r.retryAt = notBefore; }, true, why);
        assignedAt.remove(t.taskId);
    }

    /**
     * The Runner a lost attempt was on still runs it, and the next attempt has not been placed yet: the old attempt
     * stays (its work is not thrown away) and the queued one is cancelled, i.e. the task is its earlier attempt again.
     */
    private void takeBackLostAttempt(TaskRecord t) {
        supersededOn.remove(t.taskId);
        if (t.attempt <= 1) return;
        t.attempt--;
        attempts.delete(t.taskId, t.attempt);
        if (t.retryAt != null) { delayed.remove(Due.of(t)); t.retryAt = null; }
    }

    /** Whether {@code node} runs a superseded copy of this task (an attempt that was lost there and run again). */
    boolean supersededCopyOn(long taskId, String node) { return node != null && node.equals(supersededOn.get(taskId)); }

    /**
     * The old attempt of a task whose next attempt is still queued reports its outcome: a success stands and the
     * queued attempt is cancelled; a failure is recorded on the old attempt and the queued one stays.
     */
    boolean oldAttemptEnded(TaskRecord t, String node, TaskStatus to, Integer exit, String message, Instant started, Instant done) {
        if (t.status != TaskStatus.PENDING || !supersededCopyOn(t.taskId, node)) return false;
        if (to == TaskStatus.COMPLETED) {
            takeBackLostAttempt(t);
            transition(t, TaskStatus.ASSIGNING, r -> r.assignedNode = node);
            transition(t, TaskStatus.COMPLETED, r -> { r.exitCode = exit; r.errorMessage = null;
                if (started != null) r.startedAt = started; if (done != null) r.completedAt = done; });
        } else if (to.isFinal()) {
            attempts.save(new AttemptRecord(t.taskId, t.attempt - 1, node, to.wire(), exit, message, started, done));
            supersededOn.remove(t.taskId);
        }
        return true;
    }

    /** Every second: attempts whose back-off is over join the queue; lost tasks past their grace run again. */
    void releaseRetries() {
        Instant now = now();
        while (!delayed.isEmpty() && delayed.firstKey().at() <= now.toEpochMilli()) {
            TaskRecord t = delayed.pollFirstEntry().getValue();
            t.retryAt = null;
            queue.add(t);
            fresh.add(t);
            write(t, "queued", "back-off over: attempt " + t.attempt);
        }
        if (lostWithRetries.isEmpty()) return;
        long grace = config.timing().lostRequeueGrace() * 1000L;
        for (TaskRecord t : new ArrayList<>(lostWithRetries.values())) {
            if (t.status != TaskStatus.LOST) { lostWithRetries.remove(t.taskId); continue; }
            if (t.completedAt == null || Duration.between(t.completedAt, now).toMillis() >= grace) retryLost(t);
        }
    }

    /**
     * Before attempt N (N ≥ 2) starts, the earlier attempt's logs move to {@code ID.attempt-(N-1).out/.err} beside
     * them, so each attempt keeps its own (a writer that still has the file open keeps writing into the moved one).
     */
    private void keepLogsOfEarlierAttempt(TaskRecord t) {
        int earlier = t.attempt - 1;
        for (Path dir : List.of(config.taskOutputsDir(), config.taskErrorsDir())) {
            String ext = dir.equals(config.taskOutputsDir()) ? ".out" : ".err";
            Path cur = dir.resolve(t.taskId + ext), kept = dir.resolve(t.taskId + ".attempt-" + earlier + ext);
            try {
                if (Files.exists(cur) && !Files.exists(kept)) Files.move(cur, kept);
            } catch (java.io.IOException e) {
                log.warn("Could not keep the logs of attempt {} of task {}: {}", earlier, t.taskId, e.toString());
            }
        }
    }

    /**
     * Events wait here and are written together, every second and before a task's history is read: one
     * transaction for hundreds of events instead of more pages in every commit of the hot path. A Host killed
     * with -9 may lose the last second of history, never any state.
     */
    private final List<EventStore.Pending> eventBuffer = new ArrayList<>();
    /** Past this many waiting events they are written at once (bounded memory under any burst). */
    static final int MAX_BUFFERED_EVENTS = 20_000;

    void event(TaskRecord t, String event, String detail) {
        eventBuffer.add(new EventStore.Pending(t.taskId, now(), event, detail));
        if (eventBuffer.size() >= MAX_BUFFERED_EVENTS) flushEvents();
    }

    /** Writes the waiting events; a failed write (disk full) keeps them for the next try, up to the bound. */
    void flushEvents() {
        if (eventBuffer.isEmpty()) return;
        try {
            events.addAll(eventBuffer);
            eventBuffer.clear();
        } catch (StoreException e) {
            log.warn("{} events not written yet: {}", eventBuffer.size(), e.getMessage());
            if (eventBuffer.size() >= MAX_BUFFERED_EVENTS) eventBuffer.subList(0, eventBuffer.size() / 2).clear(); // the oldest half goes
        }
    }

    /** The event of a state change: {name, detail}. */
    private static String[] describe(TaskRecord t, TaskStatus from, TaskStatus to, boolean nextAttempt, String note) {
        String node = t.assignedNode;
        return switch (to) {
            case ASSIGNING -> new String[] {"assigned", "to " + node + (t.attempt > 1 ? " (attempt " + t.attempt + ")" : "")};
            case RUNNING -> from == TaskStatus.PAUSED ? new String[] {"resumed", null}
                    : from == TaskStatus.LOST ? new String[] {"reconciled", t.errorMessage} : new String[] {"started", "on " + node};
            case PAUSED -> new String[] {"paused", null};
            case LOST -> new String[] {"lost", t.errorMessage};
            case PENDING -> new String[] {nextAttempt ? "requeued" : "deferred", note != null ? note : t.errorMessage};
            default -> {
                StringBuilder d = new StringBuilder();
                if (t.exitCode != null) d.append("exit code ").append(t.exitCode);
                if (node != null && to != TaskStatus.KILLED) d.append(d.length() > 0 ? " " : "").append("on ").append(node);
                if (t.errorMessage != null && to != TaskStatus.COMPLETED) d.append(d.length() > 0 ? ": " : "").append(t.errorMessage);
                yield new String[] {to.wire(), d.length() == 0 ? null : d.toString()};
            }
        };
    }

    /**
     * Why a pending task has not started yet, in words, worked out now: dependencies, back-off, its batch's
     * max_running, its target (unknown, offline, drained, full), or no node with room; plus its place in the queue.
     * Null for a task that is not pending. Costs a walk of the queue up to the task: for one task's page only.
     */
    String whyPending(TaskRecord t) {
        if (t.status != TaskStatus.PENDING) return null;
        Instant now = now();
        if (t.unmetDependencies > 0) return waitingReason(t);
        if (t.retryAt != null && t.retryAt.isAfter(now)) {
            return "Attempt " + t.attempt + " waits for its back-off, " + Duration.between(now, t.retryAt).toSeconds() + " s more";
        }
        String why;
        int window = dispatchWindow();
        if (t.batchId != null && t.maxRunning != null && batchHolding.getOrDefault(t.batchId, 0) >= t.maxRunning) {
            why = "its batch already has " + t.maxRunning + " elements running (max_running)";
        } else if (t.targetNode != null) {
            NodeRecord n = nodes.get(t.targetNode);
            if (n == null) why = "its target node " + t.targetNode + " is not registered";
            else if (!n.online()) why = "its target node " + t.targetNode + " is offline";
            else if (n.drain) why = "its target node " + t.targetNode + " is drained";
            else if (!Placement.hasRoom(n, usage(n.hostname), window, now)) why = "node " + n.hostname + " takes no more starts right now (task limit or dispatch window)";
            else why = "node " + n.hostname + " has " + Placement.freeCores(n, usage(n.hostname)) + " free cores; it needs " + t.requiredCores
                    + (t.memoryOrZero() > 0 ? " and " + t.memoryOrZero() + " bytes of memory" : "");
        } else {
            int online = 0, open = 0, maxFree = 0;
            for (NodeRecord n : nodes.values()) {
                if (!n.online()) continue;
                online++;
                if (n.drain || !Placement.hasRoom(n, usage(n.hostname), window, now)) continue;
                open++;
                maxFree = Math.max(maxFree, Placement.freeCores(n, usage(n.hostname)));
            }
            why = online == 0 ? "no node is online" : open == 0 ? "no online node takes starts right now (drained, task limit or dispatch window)"
                    : "no node has room: it needs " + t.requiredCores + " cores" + (t.memoryOrZero() > 0 ? " and " + t.memoryOrZero() + " bytes" : "")
                    + ", the most free on one node is " + maxFree;
        }
        int ahead = queue.ahead(t);
        return "Queued: " + why + "; " + (ahead == 0 ? "first in the queue" : ahead + " queued task" + (ahead == 1 ? "" : "s") + " ahead of it")
                + (t.priority != 0 ? " (priority " + t.priority + ")" : "");
    }

    /** The in-memory part of /metrics: queue, waiting tasks, nodes, capacity, Runner backlogs, latencies. */
    void renderMetrics(MetricsText out) {
        Instant now = now();
        out.gauge("hakuriver_queue_length", "Tasks in the queue, ready to be placed (tasks waiting on dependencies are not).", queue.size());
        Instant oldest = null;
        for (TaskRecord t : queue.tasks()) if (t.submittedAt != null && (oldest == null || t.submittedAt.isBefore(oldest))) oldest = t.submittedAt;
        out.gauge("hakuriver_queue_oldest_age_seconds", "Age of the oldest task in the queue (0 when it is empty).",
                oldest == null ? 0 : Math.max(0, Duration.between(oldest, now).toMillis() / 1000.0));
        int waiting = 0;
        for (TaskRecord t : active.values()) if (t.status == TaskStatus.PENDING && t.unmetDependencies > 0) waiting++;
        out.gauge("hakuriver_tasks_waiting_dependencies", "Pending tasks waiting for --after/--after-any dependencies.", waiting);
        Map<String, Integer> byState = new LinkedHashMap<>();
        for (String s : List.of("online", "draining", "drained", "offline")) byState.put(s, 0);
        long cores = 0, coresUsed = 0, mem = 0, memUsed = 0;
        for (NodeRecord n : nodes.values()) {
            NodeUsage u = usage(n.hostname);
            boolean holding = u.tasks > 0;
            String s = !n.online() ? "offline" : !n.drain ? "online" : holding ? "draining" : "drained";
            byState.merge(s, 1, Integer::sum);
            if (!n.online()) continue;
            cores += n.totalCores;
            coresUsed += u.cores;
            mem += n.memoryTotalBytes == null ? 0 : n.memoryTotalBytes;
            memUsed += u.memory;
        }
        out.header("hakuriver_nodes", "gauge", "Nodes by state (draining/drained: online nodes an operator drained).");
        byState.forEach((s, c) -> out.sample("hakuriver_nodes", "state", s, c));
        out.gauge("hakuriver_cores_total", "Cores of the online nodes.", cores);
        out.gauge("hakuriver_cores_reserved", "Cores reserved by assigning, running and paused tasks on online nodes.", coresUsed);
        out.gauge("hakuriver_memory_bytes_total", "Memory of the online nodes, in bytes.", mem);
        out.gauge("hakuriver_memory_reserved_bytes", "Memory reserved by tasks on online nodes, in bytes.", memUsed);
        out.header("hakuriver_runner_pending_updates", "gauge", "Status updates a Runner has not delivered to the Host yet, as of its last heartbeat.");
        for (NodeRecord n : nodes.values()) if (n.pendingUpdates != null) out.sample("hakuriver_runner_pending_updates", "node", n.hostname, n.pendingUpdates);
        out.gauge("hakuriver_notifications_waiting", "Web hook notifications not delivered yet (in the outbox).", notificationsQueued);
        out.header("hakuriver_notifications_dropped_total", "counter", "Notifications not queued because the outbox was full.");
        out.sample("hakuriver_notifications_dropped_total", notificationsDropped.get());
        out.header("hakuriver_tasks_placed_when_room_total", "counter",
                "Tasks placed on a full node to start there when its running tasks leave room (the Runner holds them).");
        out.sample("hakuriver_tasks_placed_when_room_total", placedWhenRoom);
        out.header("hakuriver_illegal_transitions_total", "counter", "State changes the transition table refused (e.g. a late completed after killed).");
        out.sample("hakuriver_illegal_transitions_total", illegalTransitions.get());
        latencies.render(out);
    }

    private static boolean holds(TaskRecord t) {
        return t.assignedNode != null && TaskStatus.HOLDS_RESOURCES.contains(t.status);
    }

    private static boolean placed(TaskRecord t) {
        return t.assignedNode != null && (TaskStatus.HOLDS_RESOURCES.contains(t.status) || t.status == TaskStatus.LOST);
    }

    private void index(TaskRecord t, int sign) {
        if (!placed(t)) return;
        if (sign > 0) onNode.computeIfAbsent(t.assignedNode, k -> new HashSet<>()).add(t.taskId);
        else { Set<Long> s = onNode.get(t.assignedNode); if (s != null) s.remove(t.taskId); }
    }

    private void hold(TaskRecord t, int sign) {
        NodeUsage u = usage(t.assignedNode);
        if (t.startsWhenRoom) { // counts towards the task limit; its cores and memory are not free yet
            u.add(0, 0, null, sign);
            u.whenRoomCores += sign * t.requiredCores;
            u.whenRoomMemory += sign * t.memoryOrZero();
        } else {
            u.add(t.requiredCores, t.memoryOrZero(), t.targetNumaNodeId, sign);
        }
        if (t.wantsGpus()) usage(t.assignedNode).holdGpus(t.assignedGpus, t.gpuShare, sign);
        if (t.batchId != null && t.maxRunning != null) batchHolding.merge(t.batchId, sign, Integer::sum);
    }

    /**
     * Tasks are placed {@code when_room} only on a node whose Runner takes them and where a short task (placed at most
     * this long before it ended) ended within this long: a node turning over short tasks, where the next room frees
     * within milliseconds. A node running long tasks never gets one, so no task waits there behind a long one while
     * another node frees up.
     */
    static final long WHEN_ROOM_SHORT_MS = 1000;
    /** Tasks placed {@code when_room} since start (under the lock; /metrics). */
    private long placedWhenRoom;

    /** A task of the node ended: its waiting {@code when_room} tasks that fit now reserve their cores, in order. */
    private void promoteWhenRoom(String node) {
        NodeUsage u = usage(node);
        NodeRecord n = nodes.get(node);
        while (n != null && !u.whenRoom.isEmpty()) {
            TaskRecord t = u.whenRoom.peek();
            if (!Placement.fitsNow(n, u, t.requiredCores, t.memoryOrZero(), null)) break;
            u.whenRoom.poll();
            hold(t, -1);
            t.startsWhenRoom = false;
            hold(t, +1);
        }
    }

    /**
     * A node to place the task on {@code when_room} (every node is full for it now), or null: the task asks for
     * cores or memory and no GPU or NUMA zone, the node's Runner takes such starts, it has room for one more start,
     * a short task just ended there, and what waits there already plus this task fits the whole node.
     */
    private NodeRecord whenRoomNode(TaskRecord t, int window, Instant now) {
        if (t.wantsGpus() || t.targetNumaNodeId != null || (t.requiredCores <= 0 && t.memoryOrZero() <= 0)) return null;
        long nowMs = now.toEpochMilli();
        NodeRecord best = null;
        for (NodeRecord n : t.targetNode != null ? java.util.Collections.singletonList(nodes.get(t.targetNode)) : nodes.values()) {
            if (n == null || !n.startsWhenRoom) continue;
            NodeUsage u = usage(n.hostname);
            if (!Placement.hasRoom(n, u, window, now) || nowMs - u.lastShortEndMillis > WHEN_ROOM_SHORT_MS) continue;
            if (u.whenRoomCores + t.requiredCores > n.totalCores) continue;
            if (n.memoryTotalBytes != null && u.whenRoomMemory + t.memoryOrZero() > n.memoryTotalBytes) continue;
            if (Placement.neverFits(n, t.requiredCores, t.memoryOrZero(), null) != null) continue;
            if (best == null || u.whenRoomCores < usage(best.hostname).whenRoomCores) best = n;
        }
        return best;
    }

    private void settleInFlight(long id, String node) {
        if (inFlight.remove(id) && node != null) { usage(node).inFlight--; fullScan = true; }
    }


    void markCapacityChanged() { fullScan = true; }

    // ---- dispatch outcomes (callers hold the lock); each returns whether the task is still this dispatch's ----

    /** The Runner took the start: the window slot frees and the assignment grace period starts now. */
    void dispatchAccepted(TaskRecord t, String node) {
        if (!node.equals(t.assignedNode)) return;
        settleInFlight(t.taskId, node);
        if (assignedAt.containsKey(t.taskId)) assignedAt.put(t.taskId, now());
    }

    /** Still waiting for this node's answer about this task (not killed, not moved, node still online)? */
    boolean stillDispatching(TaskRecord t, String node) {
        NodeRecord n = nodes.get(node);
        return t.status == TaskStatus.ASSIGNING && node.equals(t.assignedNode) && n != null && n.online();
    }

    /**
     * The Runner did not take the start for a reason that is not the task's fault (busy, restarting, unreachable):
     * the task goes back to the queue with the same id, and the node gets no new starts for {@code deferFor}.
     */
    void dispatchDeferred(TaskRecord t, String node, String reason, Duration deferFor) {
        if (t.status != TaskStatus.ASSIGNING || !node.equals(t.assignedNode)) return;
        if (deferFor != null && !deferFor.isZero()) {
            NodeUsage u = usage(node);
            Instant until = now().plus(deferFor);
            if (u.deferredUntil == null || until.isAfter(u.deferredUntil)) u.deferredUntil = until;
        }
        requeue(t, "start on " + node + " deferred: " + reason);
    }

    /** The Runner definitely refused this task (bad request for it): it fails with the Runner's own words. */
    void dispatchRefused(TaskRecord t, String node, String detail) {
        if (t.status != TaskStatus.ASSIGNING || !node.equals(t.assignedNode)) return;
        transition(t, TaskStatus.FAILED, r -> { r.exitCode = -1; r.errorMessage = "Runner " + node + " rejected the task: " + detail; });
    }

    /** A queued task's new priority: it moves to its new place in the queue and is looked at again. */
    void reprioritize(TaskRecord t, int priority) {
        if (t.priority == priority) return;
        boolean queued = queue.remove(t);
        t.priority = priority;
        if (queued) { queue.add(t); fresh.add(t); }
        write(t);
    }

    /** Back to the queue, same id; the attempt is counted and logged. */
    void requeue(TaskRecord t, String why) {
        if (!transition(t, TaskStatus.PENDING, r -> {
                r.dispatchAttempts++; r.assignedNode = null; r.assignmentSuspicionCount = 0; }, "back in the queue: " + why)) return;
        assignedAt.remove(t.taskId);
        log.info("Task {} back in the queue (attempt {} next): {}", t.taskId, t.dispatchAttempts + 1, why);
    }

    /**
     * Places queued tasks on nodes with room, highest priority first, oldest first within a priority; a task that does not fit is skipped so later smaller
     * tasks may use the room (backfill). Returns the dispatches to send once the lock is released.
     */
    List<Runnable> schedule() {
        Instant now = now();
        lastRoundVisited = 0;
        if (!anyNodeHasRoom(now)) { fresh = new ArrayList<>(); return List.of(); } // a full scan follows when room frees
        Iterable<TaskRecord> scan;
        if (fullScan) { scan = queue.inOrder(); fullScan = false; fresh = new ArrayList<>(); }
        else if (!fresh.isEmpty()) { scan = fresh; fresh = new ArrayList<>(); }
        else return List.of();
        List<Runnable> out = new ArrayList<>();
        int window = dispatchWindow();
        // demands that found no room this round, and how many of them queued tasks make: when that is all of the
        // queue's demands, nothing further can be placed (the fresh tasks are queued tasks too)
        Set<PendingQueue.Demand> noRoom = new HashSet<>();
        int noRoomQueued = 0;
        for (TaskRecord t : scan) {
            if (t == null || t.status != TaskStatus.PENDING) continue;
            lastRoundVisited++;
            PendingQueue.Demand d = PendingQueue.Demand.of(t);
            if (noRoom.contains(d)) continue;
            NodeRecord n;
            boolean capped = t.batchId != null && t.maxRunning != null && batchHolding.getOrDefault(t.batchId, 0) >= t.maxRunning;
            if (capped) {
                n = null;
            } else if (t.targetNode != null) {
                n = nodes.get(t.targetNode);
                if (n == null || !Placement.hasRoom(n, usage(n.hostname), window, now)
                        || !Placement.fitsNow(n, usage(n.hostname), t.requiredCores, t.memoryOrZero(), t.targetNumaNodeId)) n = null;
            } else {
                n = Placement.bestFit(nodes.values(), this::usage, t, window, now);
            }
            List<Integer> gpus = n == null ? null : Placement.gpusNow(n, usage(n.hostname), t); // empty: needs none
            NodeRecord later = gpus == null && !capped ? whenRoomNode(t, window, now) : null;
            if (later != null) {
                t.startsWhenRoom = true; // before the transition: it holds no cores yet
                placedWhenRoom++;
                out.add(assign(t, later, List.of(), now));
                usage(later.hostname).whenRoom.add(t);
                continue;
            }
            if (gpus == null) {
                if (!anyNodeHasRoom(now)) { fullScan = true; break; }
                if (noRoom.add(d) && queue.has(d) && ++noRoomQueued == queue.demandCount()) break;
                continue;
            }
            out.add(assign(t, n, gpus, now));
            if (noRoomQueued > 0 && noRoomQueued == queue.demandCount()) break; // the rest of the queue cannot fit
        }
        return out;
    }

    /** Tasks the last {@link #schedule()} looked at. */
    int lastRoundVisited() { return lastRoundVisited; }

    private Runnable assign(TaskRecord t, NodeRecord node, List<Integer> gpus, Instant now) {
        if (t.attempt > 1) keepLogsOfEarlierAttempt(t);
        transition(t, TaskStatus.ASSIGNING, r -> { r.assignedNode = node.hostname; r.assignedGpus = gpus.isEmpty() ? null : gpus;
            if (r.attempt > 1) r.errorMessage = null; });
        assignedAt.put(t.taskId, now);
        inFlight.add(t.taskId);
        usage(node.hostname).inFlight++;
        return () -> link.dispatch(node, t);
    }

    private boolean anyNodeHasRoom(Instant now) {
        int window = dispatchWindow();
        for (NodeRecord n : nodes.values()) if (Placement.hasRoom(n, usage(n.hostname), window, now)) return true;
        return false;
    }

    /** After start-up: send /run again for every task that was assigning when the Host stopped (409 = it has it). */
    List<Runnable> resumeAssigning() {
        List<Runnable> out = new ArrayList<>();
        for (TaskRecord t : resumeAfterStart) {
            if (t.status != TaskStatus.ASSIGNING) continue;
            NodeRecord n = nodes.get(t.assignedNode);
            if (n == null || !n.online()) { requeue(t, "its node " + t.assignedNode + " is not online after a Host restart"); continue; }
            if (inFlight.add(t.taskId)) usage(n.hostname).inFlight++;
            out.add(() -> link.dispatch(n, t));
        }
        resumeAfterStart.clear();
        return out;
    }

    /**
     * Called from the Host's periodic loops. When the clock jumped (the Host was frozen, not the runners), every
     * node and every assignment gets a fresh timeout instead of being blamed for the Host's own pause; deferrals
     * that expired let the scheduler look again.
     */
    void observeClock() {
        Instant now = now();
        Duration gap = Duration.between(lastClockLook, now);
        lastClockLook = now;
        if (gap.compareTo(STALL) > 0) {
            log.warn("The Host did not run for {} s (paused, swapping or a slow disk); giving every node a fresh heartbeat timeout",
                    gap.toMillis() / 1000.0);
            for (NodeRecord n : nodes.values()) if (n.online()) n.lastHeartbeat = now;
            assignedAt.replaceAll((id, at) -> now);
        }
        for (NodeUsage u : usage.values()) {
            if (u.deferredUntil != null && !u.deferred(now)) { u.deferredUntil = null; fullScan = true; }
        }
    }

    /** Consecutive heartbeats a running task may be missing from before it is declared lost. */
    private static final int MISSING_BEATS = 3;

    /**
     * Compares what the Host believes runs on a node with what its Runner reports (defect C5 of the original).
     * A start the Runner acknowledged but no longer reports after the grace period goes back to the queue; a task
     * the Runner runs although the Host had queued it again is adopted; a task the Runner runs that the Host placed
     * elsewhere or killed is killed there. Returns the runner calls to make.
     */
    List<Runnable> reconcile(NodeRecord node, Set<Long> running, Set<Long> paused, boolean reportsPaused) {
        String hostname = node.hostname;
        long graceMs = 3L * config.timing().heartbeatInterval() * 1000L;
        Instant now = now();
        List<Runnable> calls = new ArrayList<>();
        for (TaskRecord t : tasksOn(hostname)) {
            boolean isRunning = running.contains(t.taskId), isPaused = paused.contains(t.taskId);
            boolean reported = isRunning || isPaused;
            switch (t.status) {
                case ASSIGNING -> {
                    if (reported) { if (t.assignmentSuspicionCount != 0) { t.assignmentSuspicionCount = 0; write(t); } continue; }
                    if (inFlight.contains(t.taskId)) continue; // its /run has not been answered yet
                    Instant since = assignedAt.get(t.taskId);
                    if (since != null && Duration.between(since, now).toMillis() > graceMs) {
                        if (t.assignmentSuspicionCount < 2) { t.assignmentSuspicionCount++; write(t); }
                        else requeue(t, "runner " + hostname + " accepted the start but never reported the task");
                    }
                }
                case RUNNING, PAUSED -> {
                    if (reported) {
                        if (t.assignmentSuspicionCount != 0) { t.assignmentSuspicionCount = 0; write(t); }
                        if (isPaused && t.status == TaskStatus.RUNNING) transition(t, TaskStatus.PAUSED, null);
                        else if (isRunning && !isPaused && t.status == TaskStatus.PAUSED && reportsPaused) transition(t, TaskStatus.RUNNING, null);
                        continue;
                    }
                    if (t.status == TaskStatus.PAUSED && !reportsPaused) continue; // an original runner never reports paused tasks
                    if (++t.assignmentSuspicionCount >= MISSING_BEATS) {
                        transition(t, TaskStatus.LOST, r -> { r.exitCode = -1; r.errorMessage =
                                "Runner " + hostname + " no longer reports this task (runner restarted or lost it)."; });
                    } else write(t);
                }
                case LOST -> {
                    if (!reported) continue;
                    TaskStatus to = isPaused ? TaskStatus.PAUSED : TaskStatus.RUNNING;
                    transition(t, to, r -> { r.completedAt = null; r.exitCode = null; r.assignmentSuspicionCount = 0;
                        r.errorMessage = "Reconciled: runner " + hostname + " still runs this task after being considered lost."; });
                    log.info("Task {} reconciled as {} on {}", t.taskId, to.wire(), hostname);
                }
                default -> { }
            }
        }
        Set<Long> reported = new HashSet<>(running);
        reported.addAll(paused);
        // a superseded copy this node no longer reports is gone: nothing left to refuse or kill there
        if (!supersededOn.isEmpty()) supersededOn.entrySet().removeIf(e -> e.getValue().equals(hostname) && !reported.contains(e.getKey()));
        Set<Long> mine = onNode.getOrDefault(hostname, Set.of());
        int lookups = 0;
        for (long id : reported) {
            if (mine.contains(id)) continue;
            TaskRecord t = active.get(id);
            if (t == null) {
                // a superseded attempt that came back after its successor ended: it must not finish a second time
                if (supersededCopyOn(id, hostname)) {
                    log.warn("Runner {} still runs a lost attempt of task {}, which ended elsewhere; killing it", hostname, id);
                    calls.add(() -> link.kill(node, id));
                } else if (lookups++ < MAX_STRAY_LOOKUPS && isStray(id, now, graceMs)) {
                    log.warn("Runner {} runs task {}, which ended here; killing it there", hostname, id);
                    calls.add(() -> link.kill(node, id));
                }
                continue; // final here (its last update may still be on its way) or unknown
            }
            if (t.status == TaskStatus.PENDING) {
                // queued again after an unanswered start, but this runner had it after all: it runs here; or a lost
                // attempt whose next one has not started yet: the old one stays, the queued one is cancelled
                boolean oldAttempt = supersededCopyOn(id, hostname);
                if (oldAttempt) takeBackLostAttempt(t);
                transition(t, TaskStatus.ASSIGNING, r -> { r.assignedNode = hostname;
                    if (oldAttempt) r.errorMessage = "Reconciled: runner " + hostname + " still runs this attempt; the queued next attempt was cancelled."; });
                transition(t, paused.contains(id) ? TaskStatus.PAUSED : TaskStatus.RUNNING, null);
                log.info("Task {} adopted: runner {} runs it although it was queued again", id, hostname);
            } else if (t.assignedNode != null && !t.assignedNode.equals(hostname)) {
                log.warn("Runner {} runs task {} that is placed on {}; killing the copy on {}", hostname, id, t.assignedNode, hostname);
                calls.add(() -> link.kill(node, id));
            }
        }
        return calls;
    }

    /** Stored rows looked up per heartbeat for reported tasks the Host does not hold (a bounded cost under the lock). */
    private static final int MAX_STRAY_LOOKUPS = 16;

    /**
     * A task a Runner reports that should not run: finished here for longer than the grace period (shorter, it is a
     * finished task whose outcome the Runner is still delivering), e.g. killed by a user while its node was away, then
     * found again by a Runner that lost its state dir. It uses capacity the Host gives to other work, so it is killed.
     * A task this Host does not know at all is left alone: it was started on the Runner by someone else (a direct
     * /run, another Host), and this Host has no say over it.
     */
    private boolean isStray(long id, Instant now, long graceMs) {
        TaskRecord stored = tasks.find(id).orElse(null);
        return stored != null && stored.status.isFinal() && stored.status != TaskStatus.LOST && stored.completedAt != null
                && Duration.between(stored.completedAt, now).toMillis() > graceMs;
    }

    /**
     * Marks nodes offline after heartbeat_interval × timeout_factor of silence. Their running tasks become lost
     * (a Runner that comes back reconciles them); starts that were only assigning there go back to the queue.
     */
    void expireNodes() {
        long timeout = config.heartbeatTimeoutMillis();
        Instant now = now();
        for (NodeRecord n : nodes.values()) {
            if (!n.online() || n.lastHeartbeat == null) continue;
            if (Duration.between(n.lastHeartbeat, now).toMillis() <= timeout) continue;
            n.status = "offline";
            saveNode(n);
            int lost = 0, requeued = 0;
            for (TaskRecord t : tasksOn(n.hostname)) {
                if (t.status == TaskStatus.ASSIGNING) {
                    requeue(t, "node " + n.hostname + " went offline before the task started");
                    requeued++;
                } else if (t.status == TaskStatus.RUNNING || t.status == TaskStatus.PAUSED) {
                    transition(t, TaskStatus.LOST, r -> { r.exitCode = -1;
                        r.errorMessage = "Node " + n.hostname + " went offline (heartbeat timeout)."; });
                    lost++;
                }
            }
            log.warn("Node {} went offline (no heartbeat for {} s); {} task(s) marked lost, {} queued again",
                    n.hostname, timeout / 1000, lost, requeued);
        }
    }

    /** Runs collected runner calls outside the lock. */
    static void send(List<Runnable> calls) {
        for (Runnable r : calls) {
            try { r.run(); } catch (RuntimeException e) { log.warn("runner call failed: {}", e.toString()); }
        }
    }
}
