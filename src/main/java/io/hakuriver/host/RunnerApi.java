package io.hakuriver.host;

import io.hakuriver.api.HeartbeatRequest;
import io.hakuriver.api.KilledTask;
import io.hakuriver.api.NumaNode;
import io.hakuriver.api.RegisterRequest;
import io.hakuriver.api.TaskStatus;
import io.hakuriver.http.ApiException;
import io.hakuriver.http.Body;
import io.hakuriver.util.Json;
import io.hakuriver.util.Times;
import io.javalin.http.Context;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Runner-facing endpoints: /register, /heartbeat/{hostname}, /update (spec §3.1). Parses the body into the wire
 * records (every problem in one 422) and hands them to {@link HostCore}.
 */
final class RunnerApi {
    static final Pattern NODE_NAME = Pattern.compile("^[A-Za-z0-9._-]{1,253}$");

    private final HostCore core;

    RunnerApi(HostCore core) { this.core = core; }

    void register(RouteRegistry r) {
        r.post("/register", this::registerRunner);
        r.put("/heartbeat/{hostname}", this::heartbeat);
        r.post("/update", this::update);
        r.post("/updates", this::updates);
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
        core.register(new RegisterRequest(hostname, cores.intValue(), ram, url, numa, maxTasks == null ? null : maxTasks.intValue()));
        ctx.json(Map.of("message", "Runner " + hostname + " acknowledged."));
    }

    private void heartbeat(Context ctx) {
        String hostname = ctx.pathParam("hostname");
        Body b = Body.of(ctx);
        List<Long> running = b.longs("running_tasks");
        List<Long> paused = b.has("paused_tasks") ? b.longs("paused_tasks") : null; // an original runner sends none
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
        Long backlog = b.integer("pending_updates", false); // ours; an original Runner sends none
        b.check();
        core.heartbeat(hostname, new HeartbeatRequest(running, killed, cpu, memPct, memUsed, memTotal, paused, null),
                backlog == null ? null : (int) Math.max(0, Math.min(Integer.MAX_VALUE, backlog)));
        ctx.json(Map.of("message", "Heartbeat received"));
    }

    /** The Runner that sent a request, when it says (ours do; an original Runner does not). */
    private static String sender(Context ctx) {
        String name = ctx.header(io.hakuriver.api.WireHeaders.RUNNER);
        return name == null || name.isBlank() ? null : name.trim();
    }

    private void update(Context ctx) {
        HostCore.Update u = parseUpdate(Body.of(ctx));
        ctx.json(Map.of("message", core.runnerUpdate(u, sender(ctx))));
    }

    /** Most updates in one /updates call: a Runner sends what it has queued, in chunks of at most this. */
    static final int MAX_UPDATES_PER_CALL = 1000;

    /**
     * POST /updates (ours; an original Host answers 404 and our Runner falls back to /update): {"updates": [...]}
     * with /update bodies; answers {"results": [{"task_id", "status", "message"}...]} in the same order.
     */
    private void updates(Context ctx) {
        Body b = Body.of(ctx);
        var list = b.raw().get("updates");
        if (list == null || !list.isArray()) throw ApiException.validation("updates", "updates must be a list of /update bodies", "list_type");
        if (list.size() > MAX_UPDATES_PER_CALL) throw ApiException.validation("updates", "at most " + MAX_UPDATES_PER_CALL + " updates per call", "too_long");
        List<HostCore.Update> parsed = new ArrayList<>();
        Map<Integer, Map<String, Object>> invalid = new java.util.HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            try {
                parsed.add(parseUpdate(Body.of(list.get(i))));
            } catch (ApiException e) {
                Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("task_id", list.get(i).path("task_id").asLong());
                m.put("status", e.status);
                m.put("detail", e.detail);
                invalid.put(i, m);
            }
        }
        var applied = core.runnerUpdates(parsed, sender(ctx)).iterator();
        List<Object> results = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (invalid.containsKey(i)) { results.add(invalid.get(i)); continue; }
            HostCore.UpdateResult r = applied.next();
            results.add(Map.of("task_id", r.taskId(), "status", r.status(), "message", r.message()));
        }
        ctx.json(Map.of("results", results));
    }

    private static HostCore.Update parseUpdate(Body b) {
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
        if (exit != null && (exit < Integer.MIN_VALUE || exit > Integer.MAX_VALUE)) b.err("exit_code", "exit_code out of range", "value_error");
        try { started = Times.parse(startedText); } catch (IllegalArgumentException e) { b.err("started_at", e.getMessage(), "datetime_parsing"); }
        try { completed = Times.parse(completedText); } catch (IllegalArgumentException e) { b.err("completed_at", e.getMessage(), "datetime_parsing"); }
        b.check();
        return new HostCore.Update(id, status, exit == null ? null : exit.intValue(), message, started, completed);
    }
}
