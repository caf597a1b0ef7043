package io.hakuriver.host;

import io.hakuriver.http.ApiException;
import io.hakuriver.http.Body;
import io.hakuriver.api.KilledTask;
import io.hakuriver.api.NumaNode;
import io.hakuriver.api.TaskStatus;
import io.hakuriver.store.NodeRecord;
import io.hakuriver.store.TaskRecord;
import io.hakuriver.util.Json;
import io.hakuriver.util.Times;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Runner-facing endpoints: /register, /heartbeat/{hostname}, /update (spec §3.1). */
final class RunnerApi {
    private static final Logger log = LoggerFactory.getLogger(RunnerApi.class);
    static final Pattern NODE_NAME = Pattern.compile("^[A-Za-z0-9._-]{1,253}$");

    private final ClusterState state;

    RunnerApi(ClusterState state) { this.state = state; }

    void register(RouteRegistry r) {
        r.post("/register", this::registerRunner);
        r.put("/heartbeat/{hostname}", this::heartbeat);
        r.post("/update", this::update);
    }

    private void registerRunner(Context ctx) {
        Body b = Body.of(ctx);
        String hostname = b.string("hostname", true);
        Long cores = b.integer("total_cores", true);
        Long ram = b.integer("total_ram_bytes", true);
        String url = b.string("runner_url", true);
        Long maxTasks = b.integer("max_tasks", false); // ours; an original runner does not send it
        Map<String, NumaNode> numa = null;
        if (b.has("numa_topology")) {
            try {
                numa = Json.MAPPER.convertValue(b.raw().get("numa_topology"),
                        new com.fasterxml.jackson.core.type.TypeReference<Map<String, NumaNode>>() {});
            } catch (IllegalArgumentException e) {
                b.err("numa_topology", "Invalid NUMA topology: expected {\"<id>\": {\"cores\": [..], \"memory_bytes\": n}}", "value_error");
            }
        }
        if (hostname != null && !NODE_NAME.matcher(hostname).matches()) b.err("hostname", "Invalid hostname '" + hostname + "'", "value_error");
        if (cores != null && (cores < 0 || cores > 100_000)) b.err("total_cores", "total_cores must be between 0 and 100000", "value_error");
        if (ram != null && ram < 0) b.err("total_ram_bytes", "total_ram_bytes must be >= 0", "value_error");
        if (maxTasks != null && (maxTasks < 0 || maxTasks > 100_000)) b.err("max_tasks", "max_tasks must be between 0 and 100000", "value_error");
        if (url != null && !url.matches("^https?://[^\\s/]+(/.*)?$")) b.err("runner_url", "runner_url must be an http(s) URL", "value_error");
        b.check();
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        List<Runnable> next;
        synchronized (state.lock()) {
            NodeRecord old = state.node(hostname);
            Instant now = Instant.now();
            if (old != null && old.online() && !old.url.equals(base) && old.lastHeartbeat != null
                    && Duration.between(old.lastHeartbeat, now).toMillis() < state.config.heartbeatTimeoutMillis()) {
                throw ApiException.conflict("Runner name '" + hostname + "' is already registered by a live runner at "
                        + old.url + ". Give this runner a unique name ([runner] name in its config) or stop the other one.");
            }
            NodeRecord n = old != null ? old : new NodeRecord();
            n.hostname = hostname;
            n.url = base;
            n.totalCores = cores.intValue();
            n.memoryTotalBytes = ram;
            n.lastHeartbeat = now;
            n.status = "online";
            n.numaTopology = numa == null || numa.isEmpty() ? null : numa;
            n.maxTasks = maxTasks == null || maxTasks == 0 ? null : maxTasks.intValue();
            state.putNode(n);
            state.markCapacityChanged();
            next = state.schedule();
        }
        log.info("Runner {} registered from {} ({} cores)", hostname, base, cores);
        ClusterState.send(next);
        ctx.json(Map.of("message", "Runner " + hostname + " acknowledged."));
    }

    private void heartbeat(Context ctx) {
        String hostname = ctx.pathParam("hostname");
        Body b = Body.of(ctx);
        Set<Long> running = new HashSet<>(b.longs("running_tasks"));
        boolean reportsPaused = b.has("paused_tasks");
        Set<Long> paused = new HashSet<>(b.longs("paused_tasks"));
        List<KilledTask> killed = new ArrayList<>();
        if (b.has("killed_tasks")) {
            for (var k : b.raw().get("killed_tasks")) {
                if (k.isObject() && k.has("task_id")) killed.add(new KilledTask(k.get("task_id").asLong(), k.path("reason").asText("")));
            }
        }
        Double cpu = b.number("cpu_percent");
        Double memPct = b.number("memory_percent");
        Long memUsed = b.integer("memory_used_bytes", false);
        Long memTotal = b.integer("memory_total_bytes", false);
        b.check();
        List<Runnable> next;
        synchronized (state.lock()) {
            NodeRecord n = state.node(hostname);
            if (n == null) throw ApiException.notFound("Node not registered");
            n.lastHeartbeat = Instant.now();
            n.cpuPercent = cpu;
            n.memoryPercent = memPct;
            n.memoryUsedBytes = memUsed;
            if (memTotal != null && memTotal > 0) n.memoryTotalBytes = memTotal;
            if (!n.online()) {
                n.status = "online";
                state.markCapacityChanged();
                log.info("Node {} is back online", hostname);
            }
            state.saveNode(n);
            for (KilledTask k : killed) {
                TaskRecord t = state.active(k.taskId());
                if (t == null || (t.status.isFinal() && t.status != TaskStatus.LOST)) continue;
                TaskStatus to = "oom".equals(k.reason()) ? TaskStatus.KILLED_OOM : TaskStatus.FAILED;
                state.transition(t, to, r -> { r.exitCode = -9; r.errorMessage = "Killed by runner: " + k.reason(); });
            }
            next = new ArrayList<>(state.reconcile(n, running, paused, reportsPaused));
            next.addAll(state.schedule());
        }
        ClusterState.send(next);
        ctx.json(Map.of("message", "Heartbeat received"));
    }

    private void update(Context ctx) {
        Body b = Body.of(ctx);
        Long id = b.integer("task_id", true);
        String statusText = b.string("status", true);
        Long exit = b.integer("exit_code", false);
        String message = b.string("message", false);
        String startedText = b.string("started_at", false);
        String completedText = b.string("completed_at", false);
        TaskStatus status = null;
        Instant started = null, completed = null;
        if (statusText != null) {
            try { status = TaskStatus.parse(statusText); } catch (IllegalArgumentException e) { b.err("status", e.getMessage(), "enum"); }
        }
        try { started = Times.parse(startedText); } catch (IllegalArgumentException e) { b.err("started_at", e.getMessage(), "datetime_parsing"); }
        try { completed = Times.parse(completedText); } catch (IllegalArgumentException e) { b.err("completed_at", e.getMessage(), "datetime_parsing"); }
        b.check();
        final TaskStatus to = status;
        final Instant st = started, done = completed;
        List<Runnable> next;
        String answer;
        synchronized (state.lock()) {
            TaskRecord t = state.find(id);
            if (t == null) throw ApiException.notFound("Task ID not recognized");
            if (to == TaskStatus.PENDING && (t.status == TaskStatus.ASSIGNING || t.status == TaskStatus.PENDING)) {
                // an original runner reports "pending" while it prepares; for us the task stays assigned
                if (t.startedAt == null && st != null) { t.startedAt = st; }
                t.assignmentSuspicionCount = 0;
                state.write(t);
                answer = "Task status updated successfully.";
            } else if (t.status == to || state.transition(t, to, r -> {
                    if (exit != null) r.exitCode = exit.intValue();
                    if (message != null) r.errorMessage = message;
                    if (r.startedAt == null && st != null) r.startedAt = st;
                    if (to.isFinal() && done != null) r.completedAt = done;
                    r.assignmentSuspicionCount = 0; })) {
                if (t.status == to && exit != null && t.exitCode == null) { t.exitCode = exit.intValue(); state.write(t); }
                answer = "Task status updated successfully.";
            } else {
                answer = "Task already in a final state";
            }
            next = state.schedule();
        }
        ClusterState.send(next);
        ctx.json(Map.of("message", answer));
    }
}
