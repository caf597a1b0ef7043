package io.hakuriver.host;

import io.hakuriver.api.HeartbeatRequest;
import io.hakuriver.api.KilledTask;
import io.hakuriver.api.NumaNode;
import io.hakuriver.api.RegisterRequest;
import io.hakuriver.api.TaskNames;
import io.hakuriver.api.TaskStatus;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.http.ApiException;
import io.hakuriver.store.Database;
import io.hakuriver.store.NodeRecord;
import io.hakuriver.store.TaskFilter;
import io.hakuriver.store.TaskRecord;
import io.hakuriver.store.TaskStore;
import io.hakuriver.util.Snowflake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The Host's one door for state changes: one method per intention (submit, register, heartbeat, runner update,
 * kill, pause/resume confirmed, periodic checks, dispatch answers). Each takes the state lock, changes state
 * through the transition table, schedules, and sends the resulting runner calls after the lock is released.
 * HTTP classes only parse, call and render; they never see the lock or the stores.
 */
public final class HostCore {
    private static final Logger log = LoggerFactory.getLogger(HostCore.class);
    /** How often a heart-beating node's row is rewritten when nothing but its figures changed. */
    static final Duration NODE_ROW_REFRESH = Duration.ofSeconds(30);

    private final HakuConfig config;
    private final Database db;
    private final ClusterState state;
    private final Snowflake ids = new Snowflake(0);
    private final RunnerLink link;
    /** Sends runner calls once the lock is released; tests collect them instead. */
    private final Consumer<List<Runnable>> sender;

    public HostCore(HakuConfig config, Database db) { this(config, db, Clock.systemUTC(), ClusterState::send); }

    HostCore(HakuConfig config, Database db, Clock clock, Consumer<List<Runnable>> sender) {
        this.config = config;
        this.db = db;
        this.sender = sender;
        this.state = new ClusterState(config, db, clock);
        this.link = new RunnerLink(this, config.resolvedToken());
        state.setLink(link);
        synchronized (db.lock()) { ids.advancePast(state.tasks.maxId()); }
    }

    HakuConfig config() { return config; }

    /** Runs {@code change} under the state lock, then schedules, then sends every runner call outside the lock. */
    private <T> T change(java.util.function.Function<List<Runnable>, T> change) {
        List<Runnable> calls = new ArrayList<>();
        T result;
        synchronized (db.lock()) {
            // the change and the assignments it allows in one commit (on PostgreSQL the commit also confirms the lease)
            result = state.batch(() -> {
                T r = change.apply(calls);
                calls.addAll(state.schedule());
                return r;
            });
        }
        if (!calls.isEmpty()) sender.accept(calls);
        link.flush();
        return result;
    }

    private void changeVoid(Consumer<List<Runnable>> change) { change(calls -> { change.accept(calls); return null; }); }

    // ---------------------------------------------------------------- submit

    /** A target of a submission: a node, optionally one of its NUMA zones and GPU ids ({@code node:numa::0,1}). */
    record Target(String raw, String node, Integer numa, List<Integer> gpus) {
        Target(String raw, String node, Integer numa) { this(raw, node, numa, null); }
    }

    /**
     * Validated fields of POST /submit; {@code argumentSets} (a sweep) or {@code arguments}. {@code gpuCount}: any
     * that many GPUs of the chosen node, for targets that name no GPU ids; {@code gpuShare}: may share them.
     */
    record NewTasks(String command, List<String> arguments, List<List<String>> argumentSets, Map<String, String> env,
                    int cores, Long memory, List<Target> targets, String envName, String image, Boolean privileged,
                    List<String> mounts, Integer maxRunning, int gpuCount, boolean gpuShare) {
        NewTasks(String command, List<String> arguments, List<List<String>> argumentSets, Map<String, String> env,
                 int cores, Long memory, List<Target> targets, String envName, String image, Boolean privileged,
                 List<String> mounts, Integer maxRunning) {
            this(command, arguments, argumentSets, env, cores, memory, targets, envName, image, privileged, mounts, maxRunning, 0, false);
        }
    }

    record Submitted(List<TaskRecord> created, List<Map<String, String>> failures) {}

    /**
     * Queues one task per accepted target, or per sweep element. Impossible requests (unknown or offline node, bad
     * NUMA id, larger than the node) fail at once; requests that merely lack free capacity wait as pending; a request
     * past the queue's memory budget is refused (429) before anything is stored.
     */
    Submitted submit(NewTasks req) { return submit(req, RunPolicy.NONE); }

    Submitted submit(NewTasks req, RunPolicy policy) {
        return change(calls -> {
            List<Map<String, String>> failures = new ArrayList<>();
            List<Target> accepted = new ArrayList<>();
            long mem = req.memory() == null ? 0 : req.memory();
            for (Target t : req.targets()) {
                String reason = whyNot(t, req.cores(), mem);
                if (reason != null) failures.add(Map.of("target", t.raw(), "reason", reason));
                else accepted.add(t);
            }
            if (req.targets().isEmpty()) {
                String reason = whyNotAnywhere(req.cores(), mem);
                if (reason != null) throw new ApiException(503, reason);
            }
            if (!req.targets().isEmpty() && accepted.isEmpty()) {
                throw new ApiException(503, "Failed to schedule task for any target. Failures: " + pythonList(failures));
            }
            checkGpus(req, accepted, mem);
            long[] dependsOn = dependencies(policy);
            int count = req.argumentSets() != null ? req.argumentSets().size() : Math.max(1, accepted.size());
            List<TaskRecord> created = new ArrayList<>(count);
            Instant now = state.now();
            Long batchId = null;
            for (int i = 0; i < count; i++) {
                Target t = accepted.isEmpty() ? null : accepted.get(i % accepted.size());
                TaskRecord r = new TaskRecord();
                r.taskId = ids.next();
                if (batchId == null) batchId = r.taskId;
                r.batchId = batchId;
                r.command = req.command();
                r.arguments = req.argumentSets() != null ? req.argumentSets().get(i) : req.arguments();
                r.envVars = req.env();
                r.requiredCores = req.cores();
                r.requiredMemoryBytes = req.memory();
                r.status = TaskStatus.PENDING;
                r.targetNode = t == null ? null : t.node();
                r.targetNumaNodeId = t == null ? null : t.numa();
                r.stdoutPath = config.taskOutputsDir().resolve(r.taskId + ".out").toString();
                r.stderrPath = config.taskErrorsDir().resolve(r.taskId + ".err").toString();
                r.submittedAt = now;
                r.systemdUnitName = TaskNames.scope(r.taskId);
                r.containerName = req.envName() == null ? "NULL" : req.envName();
                r.dockerImageName = req.image();
                r.privileged = req.envName() == null ? null : req.privileged();
                r.additionalMounts = req.envName() == null ? null : req.mounts();
                r.maxRunning = req.maxRunning();
                r.requiredGpus = t == null ? null : t.gpus();
                r.gpuCount = r.requiredGpus != null ? r.requiredGpus.size() : req.gpuCount();
                r.gpuShare = r.gpuCount > 0 && req.gpuShare();
                r.priority = policy.priority();
                r.dependsOn = dependsOn;
                r.afterAny = dependsOn != null && policy.afterAny();
                r.retries = policy.retries();
                r.retryDelay = policy.retryDelay();
                r.retryOn = policy.retryOn() == null ? null : policy.retryOn().stream().mapToInt(Integer::intValue).toArray();
                r.notifyUrl = policy.notifyUrl();
                created.add(r);
            }
            long more = 0;
            for (TaskRecord r : created) more += r.footprint();
            if (state.heldBytes() + more > ClusterState.MAX_HELD_BYTES) {
                throw ApiException.tooMany("The Host's queue is full: it holds " + state.unfinished() + " unfinished tasks and "
                        + count + " more would pass its memory budget of " + (ClusterState.MAX_HELD_BYTES >> 20)
                        + " MiB for queued work. Submit again when some have finished.");
            }
            String neverRuns = null;
            if (dependsOn != null) {
                TaskRecord first = created.get(0);
                neverRuns = state.awaitDependenciesOfNew(first);
                String reason = first.unmetDependencies > 0 ? state.waitingReason(first) : null;
                for (TaskRecord r : created) { r.unmetDependencies = first.unmetDependencies; r.errorMessage = reason; }
            }
            state.enqueue(created);
            if (neverRuns != null) {
                // an --after dependency already ended without success: the tasks are recorded, and end as failed
                String why = neverRuns;
                for (TaskRecord r : created) state.transition(r, TaskStatus.FAILED, x -> x.errorMessage = why);
            }
            return new Submitted(created, failures);
        });
    }

    /**
     * GPU requests that can never be met are bad input, answered 422 naming node and ids (a busy GPU is not: the task
     * waits in the queue). Without targets, some online node must have enough GPUs next to the cores and memory.
     */
    private void checkGpus(NewTasks req, List<Target> accepted, long mem) {
        List<Map<String, Object>> errors = new ArrayList<>();
        for (Target t : accepted) {
            int count = t.gpus() != null ? t.gpus().size() : req.gpuCount();
            String why = Placement.neverFitsGpus(state.node(t.node()), t.gpus(), count);
            if (why != null) errors.add(ApiException.error("targets", why, "value_error"));
        }
        if (req.targets().isEmpty() && req.gpuCount() > 0) {
            String most = null;
            int mostGpus = -1;
            boolean fits = false;
            for (NodeRecord n : state.nodes()) {
                if (!n.online()) continue;
                int have = Placement.gpuIds(n).size();
                if (have > mostGpus) { mostGpus = have; most = n.hostname; }
                if (Placement.neverFitsGpus(n, null, req.gpuCount()) == null && Placement.neverFits(n, req.cores(), mem, null) == null) fits = true;
            }
            if (!fits) {
                errors.add(ApiException.error("gpu_count", "Requested " + req.gpuCount() + " GPU" + (req.gpuCount() == 1 ? "" : "s")
                        + " but no online node has that many" + (mostGpus > 0 ? " (most: " + mostGpus + " on " + most + ")" : ": no online node has GPUs")
                        + (mostGpus >= req.gpuCount() ? " together with " + req.cores() + " cores" + (mem > 0 ? " and " + mem + " bytes of memory" : "") : ""),
                        "value_error"));
            }
        }
        if (!errors.isEmpty()) throw ApiException.validation(errors);
    }

    /**
     * The dependency ids of a submission, without duplicates, or null when it has none. Each must name a task or a
     * batch that exists already; an id of a task in this same request does not exist yet, so no cycle can form (422).
     */
    private long[] dependencies(RunPolicy policy) {
        if (policy.after().isEmpty()) return null;
        java.util.LinkedHashSet<Long> ids = new java.util.LinkedHashSet<>(policy.after());
        String field = policy.afterAny() ? "after_any" : "after";
        if (ids.size() > RunPolicy.MAX_DEPENDENCIES) {
            throw ApiException.validation(field, ids.size() + " dependencies; at most " + RunPolicy.MAX_DEPENDENCIES
                    + " are allowed (name a batch id to depend on all its elements)", "too_long");
        }
        for (long id : ids) {
            if (state.find(id) == null) {
                throw ApiException.validation(field, "Unknown task or batch id " + id + ": a dependency must name a task or batch "
                        + "that was already submitted (so dependencies can never form a cycle)", "value_error");
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    /** Reasons a target can never accept the task (spec §6.2 wording), or null. */
    private String whyNot(Target t, int cores, long mem) {
        NodeRecord n = state.node(t.node());
        if (n == null) return "Node not registered";
        if (!n.online()) return "Node status is " + n.status;
        if (t.numa() != null) {
            Map<String, NumaNode> topo = n.numaTopology;
            if (topo == null || topo.isEmpty()) return "Node has no NUMA topology";
            if (!topo.containsKey(String.valueOf(t.numa()))) {
                TreeSet<Integer> valid = new TreeSet<>();
                for (String k : topo.keySet()) { try { valid.add(Integer.parseInt(k)); } catch (NumberFormatException ignored) { } }
                return "Invalid NUMA ID for node (Valid: " + valid + ")";
            }
        }
        return Placement.neverFits(n, cores, mem, t.numa());
    }

    private String whyNotAnywhere(int cores, long mem) {
        boolean anyOnline = false;
        for (NodeRecord n : state.nodes()) {
            if (!n.online()) continue;
            anyOnline = true;
            if (Placement.neverFits(n, cores, mem, null) == null) return null;
        }
        return anyOnline ? "No suitable node available for " + cores + " cores" + (mem > 0 ? " and " + mem + " bytes of memory" : "")
                + ": the request is larger than every online node."
                : "No suitable node available for " + cores + " cores: no runner is online.";
    }

    /** The original renders failures as a Python list literal; its clients may show it verbatim. */
    private static String pythonList(List<Map<String, String>> failures) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < failures.size(); i++) {
            if (i > 0) sb.append(", ");
            var f = failures.get(i);
            sb.append("{'target': '").append(f.get("target")).append("', 'reason': '").append(f.get("reason")).append("'}");
        }
        return sb.append(']').toString();
    }

    // ---------------------------------------------------------------- runners

    /** A Runner (re-)registers; a second live runner claiming the same name from another URL is refused (409). */
    void register(RegisterRequest r) {
        String base = r.runnerUrl().endsWith("/") ? r.runnerUrl().substring(0, r.runnerUrl().length() - 1) : r.runnerUrl();
        changeVoid(calls -> {
            NodeRecord old = state.node(r.hostname());
            Instant now = state.now();
            if (old != null && old.online() && !old.url.equals(base) && old.lastHeartbeat != null
                    && Duration.between(old.lastHeartbeat, now).toMillis() < config.heartbeatTimeoutMillis()) {
                throw ApiException.conflict("Runner name '" + r.hostname() + "' is already registered by a live runner at "
                        + old.url + ". Give this runner a unique name ([runner] name in its config) or stop the other one.");
            }
            NodeRecord n = old != null ? old : new NodeRecord();
            n.hostname = r.hostname();
            n.url = base;
            n.totalCores = r.totalCores();
            n.memoryTotalBytes = r.totalRamBytes();
            n.lastHeartbeat = now;
            n.status = "online";
            n.numaTopology = r.numaTopology() == null || r.numaTopology().isEmpty() ? null : r.numaTopology();
            n.maxTasks = r.maxTasks() == null || r.maxTasks() == 0 ? null : r.maxTasks();
            n.gpus = r.gpuInfo() == null ? List.of() : List.copyOf(r.gpuInfo());
            n.gpuSharesPerGpu = r.gpuSharesPerGpu();
            n.gpuError = r.gpuError();
            n.startsWhenRoom = r.takesStartsWhenRoom();
            state.putNode(n);
            state.markCapacityChanged();
        });
        log.info("Runner {} registered from {} ({} cores, at most {} tasks, {})", r.hostname(), base, r.totalCores(),
                r.maxTasks() == null || r.maxTasks() == 0 ? "auto" : r.maxTasks(),
                r.gpuInfo() != null && !r.gpuInfo().isEmpty() ? r.gpuInfo().size() + " GPU(s), " + (r.gpuSharesPerGpu() == null ? 1 : r.gpuSharesPerGpu()) + " share(s) each"
                        : "no GPUs" + (r.gpuError() != null ? ": " + r.gpuError() : ""));
    }

    /**
     * A heartbeat: node facts (with the Runner's count of undelivered status updates, null from an original Runner),
     * killed tasks, and reconciliation of what the Runner reports. 404 for unknown nodes.
     */
    void heartbeat(String hostname, HeartbeatRequest hb) {
        boolean reportsPaused = hb.pausedTasks() != null;
        Set<Long> running = new HashSet<>(hb.runningTasksOrEmpty());
        Set<Long> paused = new HashSet<>(hb.pausedTasksOrEmpty());
        changeVoid(calls -> {
            NodeRecord n = state.node(hostname);
            if (n == null) throw ApiException.notFound("Node not registered");
            n.lastHeartbeat = state.now();
            n.pendingUpdates = hb.pendingUpdates();
            n.startsWhenRoom = hb.takesStartsWhenRoom();
            n.cpuPercent = hb.cpuPercent();
            n.memoryPercent = hb.memoryPercent();
            n.memoryUsedBytes = hb.memoryUsedBytes();
            if (hb.memoryTotalBytes() != null && hb.memoryTotalBytes() > 0) n.memoryTotalBytes = hb.memoryTotalBytes();
            boolean gpusChanged = refreshGpus(n, hb);
            if (gpusChanged) state.markCapacityChanged();
            boolean cameBack = !n.online();
            if (cameBack) {
                n.status = "online";
                state.markCapacityChanged();
                log.info("Node {} is back online", hostname);
            }
            // the row is what a restarted Host starts from (and it resets last_heartbeat then): a status change is
            // written at once, the node's figures only now and then, not 200 writes a second for 200 nodes
            state.saveNodeEvery(n, cameBack || gpusChanged ? Duration.ZERO : NODE_ROW_REFRESH);
            for (KilledTask k : hb.killedTasksOrEmpty()) {
                TaskRecord t = state.active(k.taskId());
                if (t == null || (t.status.isFinal() && t.status != TaskStatus.LOST)) continue;
                TaskStatus to = "oom".equals(k.reason()) ? TaskStatus.KILLED_OOM : TaskStatus.FAILED;
                state.transition(t, to, r -> { r.exitCode = -9; r.errorMessage = "Killed by runner: " + k.reason(); });
            }
            calls.addAll(state.reconcile(n, running, paused, reportsPaused));
        });
    }

    /**
     * Takes a heartbeat's GPU figures. A beat whose scan failed (no GPUs, with an error) keeps the GPUs the node
     * registered, so one failed nvidia-smi run does not take GPUs away from queued tasks; the error is shown.
     * Returns whether the set of GPU ids changed (placement must look again).
     */
    private static boolean refreshGpus(NodeRecord n, HeartbeatRequest hb) {
        if (hb.gpuInfo() == null) return false; // an original Runner: registration's facts stay
        n.gpuError = hb.gpuError();
        if (hb.gpuInfo().isEmpty() && hb.gpuError() != null && !n.gpus.isEmpty()) return false;
        boolean changed = !Placement.gpuIds(n).equals(hb.gpuInfo().stream().map(io.hakuriver.api.GpuInfo::gpuId).toList());
        n.gpus = List.copyOf(hb.gpuInfo());
        return changed;
    }

    /** A task's status as its Runner reports it (one element of /update or /updates). */
    record Update(long taskId, TaskStatus to, Integer exit, String message, Instant started, Instant done) {}

    /** The outcome of one update for the Runner: HTTP-like status and message. */
    record UpdateResult(long taskId, int status, String message) {}

    /** One update; returns the message for the Runner. 404 for unknown tasks. */
    String runnerUpdate(Update u) { return runnerUpdate(u, null); }

    /** @param from the sending Runner's name (its X-HakuRiver-Runner header), null when it did not say */
    String runnerUpdate(Update u, String from) {
        UpdateResult r = change(calls -> apply(u, from));
        if (r.status() == 404) throw ApiException.notFound(r.message());
        return r.message();
    }

    /**
     * Many updates from one Runner in one call: applied in order under one lock and one database transaction
     * (group commit), then one scheduling pass. Each gets its own result; an unknown task does not stop the rest.
     */
    List<UpdateResult> runnerUpdates(List<Update> updates) { return runnerUpdates(updates, null); }

    List<UpdateResult> runnerUpdates(List<Update> updates, String from) {
        return change(calls -> state.batch(() -> {
            List<UpdateResult> out = new ArrayList<>(updates.size());
            for (Update u : updates) out.add(apply(u, from));
            return out;
        }));
    }

    private UpdateResult apply(Update u, String from) {
        TaskRecord t = state.find(u.taskId());
        if (t == null) return new UpdateResult(u.taskId(), 404, "Task ID not recognized");
        TaskStatus to = u.to();
        if (from != null && t.assignedNode != null && !from.equals(t.assignedNode) && !t.status.isFinal()) {
            // a copy the Host superseded (a lost attempt that ran again elsewhere, killed there): its word does not count
            return new UpdateResult(u.taskId(), 200, "Task " + u.taskId() + " runs on " + t.assignedNode + "; the report of runner " + from + " is ignored");
        }
        if (from != null && state.oldAttemptEnded(t, from, to, u.exit(), u.message(), u.started(), u.done())) {
            return new UpdateResult(u.taskId(), 200, "Task status updated successfully.");
        }
        if (to == TaskStatus.FAILED && (!t.status.isFinal() || t.status == TaskStatus.LOST) && RetryRules.retryAllowed(t, u.exit())) {
            state.retry(t, u.exit(), u.message(), u.started(), u.done());
            return new UpdateResult(u.taskId(), 200, "Task status updated successfully.");
        }
        if (to == TaskStatus.PENDING && (t.status == TaskStatus.ASSIGNING || t.status == TaskStatus.PENDING)) {
            // an original runner reports "pending" while it prepares; for us the task stays assigned
            if (t.startedAt == null && u.started() != null) t.startedAt = u.started();
            t.assignmentSuspicionCount = 0;
            state.write(t);
            return new UpdateResult(u.taskId(), 200, "Task status updated successfully.");
        }
        if (t.status == to) {
            if (u.exit() != null && t.exitCode == null) { t.exitCode = u.exit(); state.write(t); }
            return new UpdateResult(u.taskId(), 200, "Task status updated successfully.");
        }
        boolean moved = state.transition(t, to, r -> {
            if (u.exit() != null) r.exitCode = u.exit();
            if (u.message() != null) r.errorMessage = u.message();
            if (r.startedAt == null && u.started() != null) r.startedAt = u.started();
            if (to.isFinal() && u.done() != null) r.completedAt = u.done();
            r.assignmentSuspicionCount = 0; });
        return new UpdateResult(u.taskId(), 200, moved ? "Task status updated successfully." : "Task already in a final state");
    }

    /** What a Runner said (or failed to say) about one start. */
    record Answer(TaskRecord task, DispatchOutcome outcome, int attempt) {}

    /** The answer (or its absence) to a /run, from {@link RunnerLink}; retries the same node when asked to. */
    void dispatchAnswered(NodeRecord node, TaskRecord t, DispatchOutcome o, int attempt) {
        dispatchAnswered(node, List.of(new Answer(t, o, attempt)));
    }

    /** The answers to a batch of starts on one node, under one lock. */
    void dispatchAnswered(NodeRecord node, List<Answer> answers) {
        changeVoid(calls -> {
            for (Answer a : answers) answerLocked(node, a.task(), a.outcome(), a.attempt());
        });
    }

    private void answerLocked(NodeRecord node, TaskRecord t, DispatchOutcome o, int attempt) {
        switch (o.kind()) {
            case ACCEPTED -> state.dispatchAccepted(t, node.hostname);
            case REQUEUE -> state.dispatchDeferred(t, node.hostname, o.reason(), o.deferNode());
            case REFUSED -> {
                log.warn("Runner {} refused task {}: {}", node.hostname, t.taskId, o.reason());
                state.dispatchRefused(t, node.hostname, o.reason());
            }
            case RETRY_SAME_NODE -> {
                if (state.stillDispatching(t, node.hostname)) {
                    long delay = Math.min(5_000L, 250L << Math.min(attempt, 5));
                    log.info("Start of task {} on {} not confirmed ({}); asking again in {} ms", t.taskId, node.hostname, o.reason(), delay);
                    link.retryLater(node, t, attempt + 1, delay);
                }
            }
        }
    }

    // ---------------------------------------------------------------- users

    /** Kills one task in any unfinished state; 404 unknown, 409 already final. */
    void kill(long id) {
        changeVoid(calls -> {
            TaskRecord t = state.find(id);
            if (t == null) throw ApiException.notFound("Task not found.");
            if (!killLocked(t, calls)) throw ApiException.conflict("Task cannot be killed (state: " + t.status.wire() + ")");
        });
    }

    /** Kills every unfinished element of a batch; returns how many. 404 for an unknown batch. */
    int killBatch(long batchId) {
        return change(calls -> {
            List<TaskRecord> list = state.tasks.list(new TaskFilter(null, null, batchId, null, null, null));
            if (list.isEmpty()) throw ApiException.notFound("Batch not found");
            int killed = 0;
            for (TaskRecord stored : list) {
                TaskRecord t = state.active(stored.taskId);
                if (t != null && killLocked(t, calls)) killed++;
            }
            return killed;
        });
    }

    /** Marks the task killed and adds the runner call when it was placed on a node; false when it cannot be killed. */
    private boolean killLocked(TaskRecord t, List<Runnable> calls) {
        if (t.status.isFinal() && t.status != TaskStatus.LOST) return false;
        TaskStatus before = t.status;
        String node = t.assignedNode;
        if (!state.transition(t, TaskStatus.KILLED, r -> r.errorMessage = "Kill requested by user.")) return false;
        NodeRecord n = node == null ? null : state.node(node);
        if (before != TaskStatus.PENDING && n != null) calls.add(() -> link.kill(n, t.taskId));
        return true;
    }

    /** Changes the priority of a task that has not left the queue yet; 404 unknown, 409 once it was placed or ended. */
    TaskRecord setPriority(long id, int priority) {
        return change(calls -> {
            TaskRecord t = state.find(id);
            if (t == null) throw ApiException.notFound("Task not found.");
            if (t.status != TaskStatus.PENDING) {
                throw ApiException.conflict("Only a pending task's priority can change (task " + id + " is " + t.status.wire() + ")");
            }
            state.reprioritize(t, priority);
            return t;
        });
    }

    /**
     * Drains a node (it takes no new tasks; what it holds finishes) or ends the drain. Persisted with the node row and
     * kept across registrations, heartbeats and restarts. Returns the node's view; 404 for an unknown node.
     */
    Map<String, Object> drain(String hostname, boolean on) {
        return change(calls -> {
            NodeRecord n = state.node(hostname);
            if (n == null) throw ApiException.notFound("Node not registered");
            if (n.drain != on) {
                n.drain = on;
                state.saveNode(n);
                if (!on) state.markCapacityChanged();
                log.info("Node {} {}", hostname, on ? "drained: it takes no new tasks" : "undrained: it takes tasks again");
            }
            return nodeView(n);
        });
    }

    /** Where a pause/resume must go: the node of a task in the right state (409 otherwise, 502 when offline). */
    NodeRecord controlTarget(long id, String cmd) {
        synchronized (db.lock()) {
            TaskRecord t = state.find(id);
            if (t == null) throw ApiException.notFound("Task id not found");
            if (!"pause".equals(cmd) && !"resume".equals(cmd)) throw ApiException.badRequest("Invalid command or task state: " + cmd + " for " + t.status.wire());
            boolean ok = ("pause".equals(cmd) && t.status == TaskStatus.RUNNING) || ("resume".equals(cmd) && t.status == TaskStatus.PAUSED);
            if (!ok) throw ApiException.conflict("Invalid command or task state: " + cmd + " for " + t.status.wire());
            NodeRecord n = state.node(t.assignedNode);
            if (n == null || !n.online()) throw new ApiException(502, "Node " + t.assignedNode + " is not online; cannot " + cmd + " task " + id);
            return n;
        }
    }

    /** The Runner confirmed a pause or resume. */
    void controlConfirmed(long id, String cmd) {
        changeVoid(calls -> {
            TaskRecord cur = state.find(id);
            if (cur != null) state.transition(cur, "pause".equals(cmd) ? TaskStatus.PAUSED : TaskStatus.RUNNING, null);
        });
    }

    /** Sends a pause/resume to the node; the caller waits for the answer (the client waits for the Runner). */
    java.util.concurrent.CompletableFuture<RunnerLink.Reply> control(NodeRecord n, long id, String cmd) {
        return link.control(n, id, cmd);
    }

    // ---------------------------------------------------------------- periodic

    /** Every second: stall detection, deferred nodes, unwritten rows; with {@code expire} also heartbeat timeouts. */
    void periodic(boolean expire) {
        changeVoid(calls -> {
            state.observeClock(); // first: a Host that was frozen must not blame the nodes for it
            state.flushDirty();
            state.flushEvents();
            if (expire) state.expireNodes();
            state.releaseRetries();
        });
    }

    /** After the HTTP server is up: send /run again for tasks that were assigning when the Host stopped. */
    void resumeAssigning() {
        List<Runnable> calls;
        synchronized (db.lock()) { calls = state.batch(state::resumeAssigning); }
        if (!calls.isEmpty()) sender.accept(calls);
        link.flush();
    }

    // ---------------------------------------------------------------- reads

    /** Earlier attempts of a task (retries), oldest first; empty for a task that ran once. */
    List<io.hakuriver.store.AttemptRecord> attempts(long id) { synchronized (db.lock()) { return state.attempts.of(id); } }

    /** A task's history (latest {@link io.hakuriver.store.EventStore#MAX_SHOWN} events) and why it waits, for /status. */
    record History(List<io.hakuriver.store.EventStore.Event> events, String whyPending) {}

    History history(long id) {
        synchronized (db.lock()) {
            TaskRecord t = state.active(id);
            state.flushEvents();
            return new History(state.events.of(id), t == null ? null : state.whyPending(t));
        }
    }

    /** One task, live state first. */
    TaskRecord task(long id) { synchronized (db.lock()) { return state.find(id); } }

    /** Every element of a batch with its live state, newest first; empty for an unknown batch. */
    List<TaskRecord> batch(long batchId) {
        synchronized (db.lock()) {
            List<TaskRecord> list = state.tasks.list(new TaskFilter(null, null, batchId, null, null, null));
            for (int i = 0; i < list.size(); i++) {
                TaskRecord live = state.active(list.get(i).taskId);
                if (live != null) list.set(i, live);
            }
            return list;
        }
    }

    /**
     * Streams a filtered listing from a reader connection, outside the state lock; {@code total} gets the count
     * (for X-Total-Count) before the first row.
     */
    void listTasks(TaskFilter f, java.util.function.LongConsumer total, TaskStore.RowSink sink) {
        Connection reader = db.borrowReader();
        boolean healthy = false;
        try {
            total.accept(TaskStore.count(reader, f));
            TaskStore.forEach(reader, f, sink);
            healthy = true;
        } finally {
            db.giveBack(reader, healthy);
        }
    }

    /** The /nodes view: every node with its reservations and the tasks it holds. */
    List<Map<String, Object>> nodesView() {
        synchronized (db.lock()) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (NodeRecord n : state.nodes()) out.add(nodeView(n));
            return out;
        }
    }

    private Map<String, Object> nodeView(NodeRecord n) {
        List<String> holding = new ArrayList<>();
        Map<Integer, List<String>> gpuHolders = new HashMap<>();
        for (TaskRecord t : state.tasksOn(n.hostname)) {
            if (!TaskStatus.HOLDS_RESOURCES.contains(t.status)) continue;
            holding.add(String.valueOf(t.taskId));
            if (t.wantsGpus() && t.assignedGpus != null) {
                for (int g : t.assignedGpus) gpuHolders.computeIfAbsent(g, k -> new ArrayList<>()).add(String.valueOf(t.taskId));
            }
        }
        return Views.node(n, state.usage(n.hostname), holding, gpuHolders);
    }

    /**
     * GET /metrics: tasks by state from a reader connection (outside the lock), then the live state (under it, a
     * walk over nodes, the queue and the unfinished tasks, no database).
     */
    String metricsText() {
        MetricsText out = new MetricsText();
        Map<String, Long> stored;
        Connection reader = db.borrowReader(); // counted against the readers' bound like a listing, and reused
        boolean healthy = false;
        try {
            stored = TaskStore.countByStatus(reader);
            healthy = true;
        } finally {
            db.giveBack(reader, healthy);
        }
        out.header("hakuriver_tasks", "gauge", "Tasks the Host has stored, by state.");
        for (TaskStatus s : TaskStatus.values()) out.sample("hakuriver_tasks", "state", s.wire(), stored.getOrDefault(s.wire(), 0L));
        synchronized (db.lock()) { state.renderMetrics(out); }
        return out.toString();
    }

    /** For {@link Notifier}: up to {@code limit} due notifications, leaving out those on their way. */
    List<io.hakuriver.store.NotificationStore.Pending> dueNotifications(int limit, Set<Long> sending) {
        synchronized (db.lock()) { return state.dueNotifications(limit, sending); }
    }

    /** A notification was delivered, or failed: tried again after {@code retryInSeconds}, or given up. */
    void notificationOutcome(io.hakuriver.store.NotificationStore.Pending p, boolean delivered, long retryInSeconds) {
        synchronized (db.lock()) {
            if (delivered || p.attempts() + 1 >= Notifier.MAX_ATTEMPTS) state.notificationDelivered(p.id());
            else state.notificationFailed(p, state.now().plusSeconds(retryInSeconds));
        }
    }

    /** Copies of the node rows, for health sampling. */
    List<NodeRecord> nodeSnapshot() {
        synchronized (db.lock()) {
            List<NodeRecord> out = new ArrayList<>();
            for (NodeRecord n : state.nodes()) out.add(n.copy());
            return out;
        }
    }

    /** Counts for the /healthz probe. */
    Map<String, Object> counts() {
        synchronized (db.lock()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("nodes_online", state.nodes().stream().filter(NodeRecord::online).count());
            m.put("tasks_queued", state.queued());
            m.put("tasks_unfinished", state.unfinished());
            m.put("illegal_transitions", state.illegalTransitions());
            return m;
        }
    }

    /** Whether the database answers (the systemd watchdog asks). */
    boolean databaseAnswers() {
        synchronized (db.lock()) {
            try { return db.schemaVersion() > 0; } catch (Exception e) { return false; }
        }
    }

    void close() {
        synchronized (db.lock()) { state.flushEvents(); }
        db.close();
    }
}
