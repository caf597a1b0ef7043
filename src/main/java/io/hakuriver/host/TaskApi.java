package io.hakuriver.host;

import io.hakuriver.http.ApiException;
import io.hakuriver.api.TaskStatus;
import io.hakuriver.store.NodeRecord;
import io.hakuriver.store.TaskFilter;
import io.hakuriver.store.TaskRecord;
import io.hakuriver.util.Json;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.UncheckedIOException;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** Client-facing task endpoints: /status, /tasks, /kill, /command, /batches (spec §3.2). */
final class TaskApi {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TaskApi.class);
    private final HostCore core;

    TaskApi(HostCore core) { this.core = core; }

    void register(RouteRegistry r) {
        r.get("/status/{task_id}", this::status);
        r.get("/tasks", this::list);
        r.post("/kill/{task_id}", this::kill);
        r.post("/command/{task_id}/{command}", this::command);
        r.get("/batches/{batch_id}", this::batch);
        r.post("/batches/{batch_id}/kill", this::killBatch);
    }

    static long idParam(Context ctx, String name) {
        String v = ctx.pathParam(name);
        try {
            long id = Long.parseLong(v);
            if (id < 0) throw new NumberFormatException();
            return id;
        } catch (NumberFormatException e) {
            throw ApiException.validation(List.of(Map.of("loc", List.of("path", name), "msg",
                    "Input should be a valid integer, unable to parse string as an integer", "type", "int_parsing", "input", v)));
        }
    }

    private void status(Context ctx) {
        long id = idParam(ctx, "task_id");
        TaskRecord t = core.task(id);
        if (t == null) throw ApiException.notFound("Task id not found");
        Map<String, Object> view = Views.task(t);
        view.put("attempts", t.attempt > 1 ? Views.attempts(t, core.attempts(id)) : List.of());
        HostCore.History h = core.history(id);
        view.put("waiting_reason", h.whyPending());
        view.put("events", Views.events(h.events()));
        ctx.json(view);
    }

    private void list(Context ctx) {
        List<String> statuses = null;
        String s = ctx.queryParam("status");
        if (s != null && !s.isBlank()) {
            statuses = new ArrayList<>();
            for (String part : s.split(",")) {
                try { statuses.add(TaskStatus.parse(part).wire()); }
                catch (IllegalArgumentException e) { throw ApiException.validation(List.of(Map.of("loc", List.of("query", "status"), "msg", e.getMessage(), "type", "enum"))); }
            }
        }
        Long batch = null;
        if (ctx.queryParam("batch_id") != null) {
            try { batch = Long.parseLong(ctx.queryParam("batch_id")); }
            catch (NumberFormatException e) { throw ApiException.validation(List.of(Map.of("loc", List.of("query", "batch_id"), "msg", "batch_id must be an integer", "type", "int_parsing"))); }
        }
        Integer limit = intQuery(ctx, "limit", 1, 100_000), offset = intQuery(ctx, "offset", 0, Integer.MAX_VALUE);
        TaskFilter f = new TaskFilter(statuses, ctx.queryParam("node"), batch, ctx.queryParam("q"), limit, offset);
        // streamed from a reader connection, outside the state lock: any number of tasks, memory for one row
        ctx.contentType("application/json");
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(ctx.outputStream())) {
            core.listTasks(f, total -> {
                ctx.header("X-Total-Count", String.valueOf(total)); // before the first byte of the body
                try { g.writeStartArray(); } catch (IOException e) { throw new UncheckedIOException(e); }
            }, t -> g.writeObject(Views.task(t)));
            g.writeEndArray();
        } catch (IOException | UncheckedIOException e) {
            // the client went away mid-listing (closed the page, read only the headers): nothing to answer to
            log.debug("GET /tasks not completed: {}", e.toString());
        }
    }

    private static Integer intQuery(Context ctx, String name, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) return null;
        try {
            int i = Integer.parseInt(v);
            if (i < min || i > max) throw new NumberFormatException();
            return i;
        } catch (NumberFormatException e) {
            throw ApiException.validation(List.of(Map.of("loc", List.of("query", name), "msg", name + " must be an integer between " + min + " and " + max, "type", "int_parsing")));
        }
    }

    private void kill(Context ctx) {
        long id = idParam(ctx, "task_id");
        core.kill(id);
        ctx.status(202).json(Map.of("message", "Kill requested for task " + id + ". Task marked as killed."));
    }

    private void command(Context ctx) {
        long id = idParam(ctx, "task_id");
        String cmd = ctx.pathParam("command");
        NodeRecord n = core.controlTarget(id, cmd);
        String verb = "pause".equals(cmd) ? "Pause" : "Resume";
        RunnerLink.Reply resp;
        try {
            resp = core.control(n, id, cmd).get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new ApiException(502, verb + " for task " + id + " failed: runner unreachable (" + RunnerLink.rootMessage(e) + ")");
        }
        if (resp.status() / 100 != 2) {
            throw new ApiException(502, verb + " for task " + id + " failed: runner answered " + resp.status() + " " + resp.body());
        }
        core.controlConfirmed(id, cmd);
        ctx.json(Map.of("message", verb + " for task " + id + " sent to runner: " + verb + " command sent successfully."));
    }

    private void batch(Context ctx) {
        long id = idParam(ctx, "batch_id");
        List<TaskRecord> list = core.batch(id);
        if (list.isEmpty()) throw ApiException.notFound("Batch not found");
        Map<String, Integer> counts = new TreeMap<>();
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = list.size() - 1; i >= 0; i--) {
            TaskRecord t = list.get(i);
            counts.merge(t.status.wire(), 1, Integer::sum);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("task_id", String.valueOf(t.taskId));
            m.put("arguments", t.arguments);
            m.put("status", t.status.wire());
            m.put("exit_code", t.exitCode);
            m.put("assigned_node", t.assignedNode);
            m.put("error_message", t.errorMessage);
            items.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("batch_id", String.valueOf(id));
        out.put("command", list.get(0).command);
        out.put("total", list.size());
        out.put("max_running", list.get(0).maxRunning);
        out.put("counts", counts);
        out.put("tasks", items);
        ctx.json(out);
    }

    private void killBatch(Context ctx) {
        long id = idParam(ctx, "batch_id");
        int killed = core.killBatch(id);
        ctx.status(202).json(Map.of("message", "Kill requested for " + killed + " tasks of batch " + id + ".", "killed", killed));
    }
}
