package io.hakuriver.host;

import io.hakuriver.api.GpuInfo;
import io.hakuriver.api.HeartbeatRequest;
import io.hakuriver.api.KilledTask;
import io.hakuriver.api.NumaNode;
import io.hakuriver.api.RegisterRequest;
import io.hakuriver.api.TaskStatus;
import io.hakuriver.http.ApiException;
import io.hakuriver.http.Body;
import io.hakuriver.http.Ranges;
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
        List<GpuInfo> gpus = gpuInfo(b);
        Long shares = b.integer("gpu_shares_per_gpu", false);
        String gpuError = oneLine(b.string("gpu_error", false));
        if (shares != null && (shares < 1 || shares > 64)) b.err("gpu_shares_per_gpu", "gpu_shares_per_gpu must be between 1 and 64", "value_error");
        if (numa != null) checkTopology(b, numa);
        if (hostname != null && !NODE_NAME.matcher(hostname).matches()) b.err("hostname", "Invalid hostname '" + hostname + "'", "value_error");
        if (cores != null && (cores < 0 || cores > 100_000)) b.err("total_cores", "total_cores must be between 0 and 100000", "value_error");
        Ranges.check(b, "total_ram_bytes", ram, 0, Ranges.MAX_MEMORY_BYTES);
        if (maxTasks != null && (maxTasks < 0 || maxTasks > 100_000)) b.err("max_tasks", "max_tasks must be between 0 and 100000", "value_error");
        if (url != null && !url.matches("^https?://[^\\s/]+(/.*)?$")) b.err("runner_url", "runner_url must be an http(s) URL", "value_error");
        b.check();
        core.register(new RegisterRequest(hostname, cores.intValue(), ram, url, numa, maxTasks == null ? null : maxTasks.intValue(),
                gpus, shares == null ? null : shares.intValue(), gpuError));
        ctx.json(Map.of("message", "Runner " + hostname + " acknowledged."));
    }

    /** Zone ids, cores and memory of a registered topology: numbers the Host later adds up and compares. */
    private static void checkTopology(Body b, Map<String, NumaNode> numa) {
        for (var e : numa.entrySet()) {
            String where = "numa_topology." + e.getKey();
            if (!e.getKey().matches("\\d{1,4}") || Long.parseLong(e.getKey()) > Ranges.MAX_NUMA_ID) {
                b.err("numa_topology", "NUMA node ids must be integers between 0 and " + Ranges.MAX_NUMA_ID + " (got '" + e.getKey() + "')", "value_error");
                continue;
            }
            NumaNode z = e.getValue();
            if (z == null) { b.err("numa_topology", where + " must be an object", "dict_type"); continue; }
            Ranges.check(b, where + ".memory_bytes", z.memoryBytes(), 0, Ranges.MAX_MEMORY_BYTES);
            if (z.cores() != null) {
                for (Integer c : z.cores()) {
                    if (c == null || c < 0 || c > Ranges.MAX_CORES) {
                        b.err(where + ".cores", where + ".cores must be integers between 0 and " + Ranges.MAX_CORES, "value_error");
                        break;
                    }
                }
            }
        }
    }

    private void heartbeat(Context ctx) {
        String hostname = ctx.pathParam("hostname");
        Body b = Body.of(ctx);
        List<Long> running = b.longs("running_tasks");
        List<Long> paused = b.has("paused_tasks") ? b.longs("paused_tasks") : null; // an original runner sends none
        List<KilledTask> killed = new ArrayList<>();
        if (b.has("killed_tasks")) {
            var list = b.raw().get("killed_tasks");
            if (!list.isArray()) b.err("killed_tasks", "Input should be a valid list", "list_type");
            for (var k : list.isArray() ? list : Json.MAPPER.createArrayNode()) {
                if (!k.isObject() || !k.has("task_id")) continue; // the original skips such entries too
                Body kb = Body.of(k);
                Long id = kb.integer("task_id", true);
                if (id == null || id < 0) { b.err("killed_tasks", "task_id must be an integer between 0 and " + Long.MAX_VALUE, "int_type"); continue; }
                killed.add(new KilledTask(id, k.path("reason").isTextual() ? k.get("reason").asText() : ""));
            }
        }
        Double cpu = b.number("cpu_percent");
        Double memPct = b.number("memory_percent");
        Long memUsed = b.integer("memory_used_bytes", false);
        Long memTotal = b.integer("memory_total_bytes", false);
        List<GpuInfo> gpus = gpuInfo(b);
        String gpuError = oneLine(b.string("gpu_error", false));
        if (cpu != null && cpu < 0) b.err("cpu_percent", "cpu_percent must be >= 0", "value_error");
        if (memPct != null && (memPct < 0 || memPct > 100)) b.err("memory_percent", "memory_percent must be between 0 and 100", "value_error");
        Ranges.check(b, "memory_used_bytes", memUsed, 0, Ranges.MAX_MEMORY_BYTES);
        Ranges.check(b, "memory_total_bytes", memTotal, 0, Ranges.MAX_MEMORY_BYTES);
        Long backlog = b.integer("pending_updates", false); // ours; an original Runner sends none
        b.check();
        core.heartbeat(hostname, new HeartbeatRequest(running, killed, cpu, memPct, memUsed, memTotal, paused, null, gpus, gpuError),
                backlog == null ? null : (int) Math.max(0, Math.min(Integer.MAX_VALUE, backlog)));
        ctx.json(Map.of("message", "Heartbeat received"));
    }

    /** Most GPUs one node may report: more than any machine has, few enough to bound the Host's memory per node. */
    static final int MAX_GPUS_PER_NODE = 256;

    /**
     * gpu_info as a KohakuRiver or our Runner sends it; null when absent (an original Runner). Fields a Runner
     * omits are unknown (-1 or ""); ids must be distinct and in range.
     */
    static List<GpuInfo> gpuInfo(Body b) {
        if (!b.has("gpu_info")) return null;
        var list = b.raw().get("gpu_info");
        if (!list.isArray() || list.size() > MAX_GPUS_PER_NODE) {
            b.err("gpu_info", "gpu_info must be a list of at most " + MAX_GPUS_PER_NODE + " GPUs", "list_type");
            return null;
        }
        List<GpuInfo> out = new ArrayList<>();
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (var g : list) {
            var id = g.get("gpu_id");
            if (!g.isObject() || id == null || !id.canConvertToInt() || !id.isIntegralNumber() || id.asInt() < 0 || id.asInt() > io.hakuriver.api.GpuIds.MAX_ID || !seen.add(id.asInt())) {
                b.err("gpu_info", "each GPU needs a distinct integer gpu_id between 0 and " + io.hakuriver.api.GpuIds.MAX_ID, "value_error");
                return null;
            }
            out.add(new GpuInfo(id.asInt(), text(g, "uuid", 128), text(g, "name", 256), num(g, "memory_total_mib"), num(g, "memory_used_mib"),
                    num(g, "memory_free_mib"), (int) num(g, "gpu_utilization"), (int) num(g, "temperature"), (long) num(g, "power_usage_mw")));
        }
        return out;
    }

    private static String text(com.fasterxml.jackson.databind.JsonNode g, String f, int max) {
        String t = g.path(f).isTextual() ? g.get(f).asText() : "";
        return t.length() > max ? t.substring(0, max) : t;
    }

    private static double num(com.fasterxml.jackson.databind.JsonNode g, String f) {
        var v = g.get(f);
        return v != null && v.isNumber() && Double.isFinite(v.asDouble()) && v.asDouble() >= 0 ? v.asDouble() : GpuInfo.UNKNOWN;
    }

    private static String oneLine(String s) {
        if (s == null) return null;
        String t = s.replaceAll("[\\r\\n\\t]+", " ").strip();
        return t.length() > 300 ? t.substring(0, 300) + "…" : t;

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
        Ranges.check(b, "task_id", id, 0, Long.MAX_VALUE);
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
