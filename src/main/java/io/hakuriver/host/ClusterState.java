package io.hakuriver.host;

import io.hakuriver.api.TaskStatus;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.store.Database;
import io.hakuriver.store.NodeRecord;
import io.hakuriver.store.NodeStore;
import io.hakuriver.store.TaskRecord;
import io.hakuriver.store.TaskStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The Host's live state: nodes, non-final tasks, reservations and the queue. Every change happens under the
 * database lock and is written through to SQLite before the lock is released; calls to runners are collected and
 * sent after the lock is released, so a slow runner never stalls the Host.
 */
public final class ClusterState {
    private static final Logger log = LoggerFactory.getLogger(ClusterState.class);

    final HakuConfig config;
    final Database db;
    final TaskStore tasks;
    final NodeStore nodeStore;
    private final Map<String, NodeRecord> nodes = new LinkedHashMap<>();
    private final Map<String, NodeUsage> usage = new HashMap<>();
    private final Map<Long, TaskRecord> active = new HashMap<>();
    private final TreeMap<Long, TaskRecord> queue = new TreeMap<>();
    private final Map<Long, Integer> batchHolding = new HashMap<>();
    private final Map<Long, Instant> assignedAt = new HashMap<>();
    private List<TaskRecord> fresh = new ArrayList<>();
    private boolean fullScan = true;
    private RunnerLink link;

    public ClusterState(HakuConfig config, Database db) {
        this.config = config;
        this.db = db;
        this.tasks = new TaskStore(db);
        this.nodeStore = new NodeStore(db);
        synchronized (db.lock()) {
            Instant now = Instant.now();
            for (NodeRecord n : nodeStore.all()) {
                // the Host was down, not necessarily the runners: give every node a full timeout to check in again
                if (n.online()) n.lastHeartbeat = now;
                nodes.put(n.hostname, n);
                usage.put(n.hostname, new NodeUsage());
            }
            for (TaskRecord t : tasks.nonFinal()) {
                active.put(t.taskId, t);
                if (t.status == TaskStatus.PENDING) queue.put(t.taskId, t);
                if (holds(t)) { hold(t, +1); assignedAt.put(t.taskId, Instant.now()); }
            }
        }
        log.info("Loaded {} nodes and {} unfinished tasks ({} queued)", nodes.size(), active.size(), queue.size());
    }

    void setLink(RunnerLink link) { this.link = link; }
    public Object lock() { return db.lock(); }

    // ---- reads (callers hold the lock) ----
    public Collection<NodeRecord> nodes() { return nodes.values(); }
    public NodeRecord node(String name) { return nodes.get(name); }
    public TaskRecord active(long id) { return active.get(id); }
    NodeUsage usage(String node) { return usage.computeIfAbsent(node, k -> new NodeUsage()); }
    public int queued() { return queue.size(); }
    public Collection<TaskRecord> activeTasks() { return active.values(); }

    public TaskRecord find(long id) {
        TaskRecord t = active.get(id);
        return t != null ? t : tasks.find(id).orElse(null);
    }

    // ---- mutations (callers hold the lock) ----
    void putNode(NodeRecord n) {
        boolean cameOnline = !nodes.containsKey(n.hostname) || !nodes.get(n.hostname).online();
        nodes.put(n.hostname, n);
        usage.computeIfAbsent(n.hostname, k -> new NodeUsage());
        nodeStore.save(n);
        if (cameOnline && n.online()) fullScan = true;
    }

    void saveNode(NodeRecord n) { nodeStore.save(n); }

    /** Adds freshly submitted tasks (status pending) to the queue, in one transaction. */
    void enqueue(List<TaskRecord> newTasks) {
        tasks.saveAll(newTasks);
        for (TaskRecord t : newTasks) { active.put(t.taskId, t); queue.put(t.taskId, t); fresh.add(t); }
    }

    /**
     * Moves a task to a new status if the transition table allows it. Adjusts reservations and the queue, writes
     * the row. Returns false (and changes nothing) for an illegal move.
     */
    boolean transition(TaskRecord t, TaskStatus to, Consumer<TaskRecord> fields) {
        if (!TaskTransitions.allowed(t.status, to)) return false;
        boolean held = holds(t);
        TaskStatus from = t.status;
        t.status = to;
        if (fields != null) fields.accept(t);
        if (to.isFinal() && t.completedAt == null) t.completedAt = Instant.now();
        boolean nowHeld = holds(t);
        if (held && !nowHeld) { hold(t, -1); fullScan = true; }
        if (!held && nowHeld) hold(t, +1);
        if (from == TaskStatus.PENDING) queue.remove(t.taskId);
        if (to.isFinal() && to != TaskStatus.LOST) { active.remove(t.taskId); assignedAt.remove(t.taskId); }
        else active.put(t.taskId, t);
        tasks.save(t);
        return true;
    }

    private static boolean holds(TaskRecord t) {
        return t.assignedNode != null && TaskStatus.HOLDS_RESOURCES.contains(t.status);
    }

    private void hold(TaskRecord t, int sign) {
        usage(t.assignedNode).add(t.requiredCores, t.memoryOrZero(), t.targetNumaNodeId, sign);
        if (t.batchId != null && t.maxRunning != null) batchHolding.merge(t.batchId, sign, Integer::sum);
    }

    Instant assignedAt(long id) { return assignedAt.get(id); }

    /** The runner accepted /run: the assignment grace period starts now, not when the task was queued for dispatch. */
    void acknowledged(long id) { if (assignedAt.containsKey(id)) assignedAt.put(id, Instant.now()); }

    void markCapacityChanged() { fullScan = true; }

    /**
     * Places queued tasks on nodes with free capacity, oldest first; a task that does not fit is skipped so later
     * smaller tasks may use the room (backfill). Returns the dispatches to send once the lock is released.
     */
    List<Runnable> schedule() {
        List<TaskRecord> scan;
        if (fullScan) { scan = new ArrayList<>(queue.values()); fullScan = false; fresh = new ArrayList<>(); }
        else if (!fresh.isEmpty()) { scan = fresh; fresh = new ArrayList<>(); }
        else return List.of();
        List<Runnable> out = new ArrayList<>();
        for (TaskRecord t : scan) {
            if (t.status != TaskStatus.PENDING) continue;
            if (t.batchId != null && t.maxRunning != null && batchHolding.getOrDefault(t.batchId, 0) >= t.maxRunning) continue;
            NodeRecord n;
            if (t.targetNode != null) {
                n = nodes.get(t.targetNode);
                if (n == null || !Placement.fitsNow(n, usage(n.hostname), t.requiredCores, t.memoryOrZero(), t.targetNumaNodeId)) continue;
            } else {
                n = Placement.bestFit(nodes.values(), this::usage, t);
                if (n == null) continue;
            }
            final NodeRecord node = n;
            transition(t, TaskStatus.ASSIGNING, r -> r.assignedNode = node.hostname);
            assignedAt.put(t.taskId, Instant.now());
            out.add(() -> link.dispatch(node, t));
        }
        return out;
    }

    /** Runs collected runner calls outside the lock. */
    static void send(List<Runnable> calls) {
        for (Runnable r : calls) {
            try { r.run(); } catch (RuntimeException e) { log.warn("runner call failed: {}", e.toString()); }
        }
    }
}
