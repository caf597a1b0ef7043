package io.hakuriver.host;

import io.hakuriver.http.ApiException;
import io.hakuriver.http.Body;
import io.hakuriver.api.NumaNode;
import io.hakuriver.api.TaskStatus;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.store.NodeRecord;
import io.hakuriver.store.TaskRecord;
import io.hakuriver.util.Snowflake;
import io.javalin.http.Context;

import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * POST /submit: validates the request, turns each accepted target (or each sweep element) into a queued task, and
 * lets the scheduler place what fits now. Impossible requests (unknown node, offline node, bad NUMA id, bigger than
 * the node) fail at once; requests that merely lack free capacity wait as "pending".
 */
final class SubmitService {
    private static final Pattern TARGET = Pattern.compile("^([A-Za-z0-9._-]+)(?::(\\d+))?$");
    /** Elements one request may create; a larger sweep is refused before anything is stored. */
    static final int MAX_TASKS_PER_REQUEST = 10_000;
    /**
     * Heap the Host lets unfinished tasks hold (estimated, {@link TaskRecord#footprint()}): about 30,000 queued
     * tasks of ordinary size, fewer large ones. Past it a submit is refused with 429 before anything is stored,
     * so a burst meets back-pressure instead of an out-of-memory Host.
     */
    static final long MAX_HELD_BYTES = 32L << 20;
    /** Command, arguments and environment of one task, in bytes (Linux cannot exec much more than 2 MiB anyway). */
    static final int MAX_TASK_BYTES = 1 << 20;

    private final ClusterState state;
    private final HakuConfig config;
    private final Snowflake ids;
    /** Validates requested Docker mounts; supplied by the Docker module (identity when absent). */
    private final UnaryOperator<List<String>> mountPolicy;

    SubmitService(ClusterState state, Snowflake ids, UnaryOperator<List<String>> mountPolicy) {
        this.state = state;
        this.config = state.config;
        this.ids = ids;
        this.mountPolicy = mountPolicy;
    }

    void register(RouteRegistry r) { r.post("/submit", this::submit); }

    private record Target(String raw, String node, Integer numa) {}

    private void submit(Context ctx) {
        Body b = Body.of(ctx);
        String command = b.string("command", true);
        List<String> arguments = b.strings("arguments");
        Map<String, String> env = b.stringMap("env_vars");
        Long cores = b.has("required_cores") ? b.integer("required_cores", false) : Long.valueOf(1);
        Long memory = b.integer("required_memory_bytes", false);
        List<String> targetTexts = b.strings("targets");
        String container = b.string("container_name", false);
        Boolean privileged = b.bool("privileged");
        List<String> mounts = b.strings("additional_mounts");
        Long maxRunning = b.integer("max_running", false);
        List<List<String>> sets = argumentSets(b);
        if (command != null && command.isBlank()) b.err("command", "command must not be empty", "value_error");
        if (cores != null && cores < 0) b.err("required_cores", "Input should be greater than or equal to 0", "greater_than_equal");
        if (cores != null && cores > 100_000) b.err("required_cores", "required_cores is unreasonably large", "less_than_equal");
        if (memory != null && memory < 0) b.err("required_memory_bytes", "Input should be greater than or equal to 0", "greater_than_equal");
        if (maxRunning != null && (maxRunning < 1 || maxRunning > MAX_TASKS_PER_REQUEST)) {
            b.err("max_running", "max_running must be between 1 and " + MAX_TASKS_PER_REQUEST, "value_error");
        }
        long taskBytes = utf8(command) + env.entrySet().stream().mapToLong(e -> utf8(e.getKey()) + utf8(e.getValue()) + 2).sum();
        long argBytes = 0;
        for (List<String> set : sets != null ? sets : arguments == null ? List.<List<String>>of() : List.of(arguments)) {
            argBytes = Math.max(argBytes, set.stream().mapToLong(a -> utf8(a) + 1).sum());
        }
        if (taskBytes + argBytes > MAX_TASK_BYTES) {
            b.err(sets != null ? "argument_sets" : "arguments", "A task's command, arguments and environment are " + (taskBytes + argBytes)
                    + " bytes; at most " + MAX_TASK_BYTES + " bytes are allowed (put large inputs in a file on the shared dir)", "too_long");
        }
        for (String k : env.keySet()) {
            if (!k.matches("[A-Za-z_][A-Za-z0-9_]*")) b.err("env_vars", "Invalid environment variable name '" + k + "'", "value_error");
        }
        List<Target> targets = new ArrayList<>();
        if (targetTexts != null) {
            for (String t : targetTexts) {
                Matcher m = TARGET.matcher(t.trim());
                if (!m.matches()) {
                    b.err("targets", "Invalid target format: '" + t + "'. Use 'hostname' or 'hostname:numa_id'.", "value_error");
                    continue;
                }
                Integer numa = null;
                if (m.group(2) != null) {
                    try { numa = Integer.parseInt(m.group(2)); }
                    catch (NumberFormatException e) { b.err("targets", "Invalid NUMA ID format in '" + t + "'", "value_error"); continue; }
                }
                targets.add(new Target(t.trim(), m.group(1), numa));
            }
        }
        // container: null/"" → default environment; "NULL" → no container; otherwise an environment name
        String envName = null, image = "";
        if (container == null || container.isEmpty()) envName = config.docker().defaultContainerName();
        else if (!container.equalsIgnoreCase("NULL")) envName = container;
        if (envName != null) {
            if (!envName.matches("^[a-z0-9][a-z0-9_.-]{0,127}$")) {
                b.err("container_name", "Invalid environment name '" + envName + "': use lower-case letters, digits, '.', '_' and '-'", "value_error");
            }
            image = "hakuriver/" + envName + ":base";
        }
        boolean priv = privileged != null ? privileged : config.docker().tasksPrivileged();
        if (priv && privileged != null && envName != null && !config.docker().allowPrivileged()) {
            b.err("privileged", "Privileged task containers are disabled on this cluster (docker.allow_privileged = false)", "value_error");
        }
        List<String> effectiveMounts = mounts != null ? mounts : config.docker().additionalMounts();
        if (mounts != null && envName != null) {
            try { effectiveMounts = mountPolicy.apply(mounts); }
            catch (IllegalArgumentException e) { b.err("additional_mounts", e.getMessage(), "value_error"); }
        }
        b.check();

        int reqCores = cores.intValue();
        long reqMem = memory == null ? 0 : memory;
        ensureLogDirs();
        List<Map<String, String>> failures = new ArrayList<>();
        List<TaskRecord> created = new ArrayList<>();
        List<Runnable> next;
        synchronized (state.lock()) {
            List<Target> accepted = new ArrayList<>();
            for (Target t : targets) {
                String reason = check(t, reqCores, reqMem);
                if (reason != null) failures.add(Map.of("target", t.raw(), "reason", reason));
                else accepted.add(t);
            }
            if (targets.isEmpty()) {
                String reason = checkAuto(reqCores, reqMem);
                if (reason != null) throw new ApiException(503, reason);
            }
            if (!targets.isEmpty() && accepted.isEmpty()) {
                throw new ApiException(503, "Failed to schedule task for any target. Failures: " + pythonList(failures));
            }
            int count = sets != null ? sets.size() : Math.max(1, accepted.size());
            long more = (long) count * estimate(command, sets, arguments, env);
            if (state.heldBytes() + more > MAX_HELD_BYTES) {
                throw ApiException.tooMany("The Host's queue is full: it holds " + state.unfinished() + " unfinished tasks and "
                        + count + " more would pass its memory budget of " + (MAX_HELD_BYTES >> 20)
                        + " MiB for queued work. Submit again when some have finished.");
            }
            Instant now = Instant.now();
            Long batchId = null;
            for (int i = 0; i < count; i++) {
                Target t = accepted.isEmpty() ? null : accepted.get(i % accepted.size());
                TaskRecord r = new TaskRecord();
                r.taskId = ids.next();
                if (batchId == null) batchId = r.taskId;
                r.batchId = batchId;
                r.command = command;
                r.arguments = sets != null ? sets.get(i) : (arguments == null ? List.of() : arguments);
                r.envVars = env;
                r.requiredCores = reqCores;
                r.requiredMemoryBytes = memory;
                r.status = TaskStatus.PENDING;
                r.targetNode = t == null ? null : t.node();
                r.targetNumaNodeId = t == null ? null : t.numa();
                r.stdoutPath = config.taskOutputsDir().resolve(r.taskId + ".out").toString();
                r.stderrPath = config.taskErrorsDir().resolve(r.taskId + ".err").toString();
                r.submittedAt = now;
                r.systemdUnitName = "hakuriver-task-" + r.taskId + ".scope";
                r.containerName = envName == null ? "NULL" : envName;
                r.dockerImageName = image;
                r.privileged = envName == null ? null : priv;
                r.additionalMounts = envName == null ? null : effectiveMounts;
                r.maxRunning = maxRunning == null ? null : maxRunning.intValue();
                created.add(r);
            }
            state.enqueue(created);
            next = state.schedule();
        }
        ClusterState.send(next);
        Map<String, Object> resp = new LinkedHashMap<>();
        List<String> idList = created.stream().map(t -> String.valueOf(t.taskId)).toList();
        resp.put("message", failures.isEmpty()
                ? "Task batch submitted successfully. " + created.size() + " tasks created."
                : "Task batch submitted. " + created.size() + " tasks created. Some targets failed.");
        resp.put("task_ids", idList);
        if (!failures.isEmpty()) resp.put("failed_targets", failures);
        resp.put("batch_id", String.valueOf(created.get(0).batchId));
        ctx.status(202).json(resp);
    }

    private static List<List<String>> argumentSets(Body b) {
        if (!b.has("argument_sets")) return null;
        var node = b.raw().get("argument_sets");
        if (!node.isArray() || node.isEmpty()) { b.err("argument_sets", "argument_sets must be a non-empty list of lists of strings", "list_type"); return null; }
        if (node.size() > MAX_TASKS_PER_REQUEST) {
            b.err("argument_sets", node.size() + " elements in one sweep; at most " + MAX_TASKS_PER_REQUEST
                    + " are allowed per request (split it into several sweeps)", "too_long");
            return null;
        }
        List<List<String>> out = new ArrayList<>();
        for (var set : node) {
            if (!set.isArray()) { b.err("argument_sets", "each element must be a list of strings", "list_type"); return null; }
            List<String> args = new ArrayList<>();
            for (var a : set) {
                if (a.isContainerNode() || a.isNull()) { b.err("argument_sets", "arguments must be strings", "string_type"); return null; }
                args.add(a.asText());
            }
            out.add(args);
        }
        return out;
    }

    /** Reasons a target can never accept the task (spec §6.2 wording), or null. */
    private String check(Target t, int cores, long mem) {
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

    private String checkAuto(int cores, long mem) {
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

    /** Footprint of the largest element of this request, as a bound for all of them. */
    private static long estimate(String command, List<List<String>> sets, List<String> arguments, Map<String, String> env) {
        long max = 0;
        for (List<String> set : sets != null ? sets : List.of(arguments == null ? List.<String>of() : arguments)) {
            TaskRecord probe = new TaskRecord();
            probe.command = command; probe.arguments = set; probe.envVars = env;
            max = Math.max(max, probe.footprint());
        }
        return max;
    }

    private static long utf8(String s) { return s == null ? 0 : s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length; }

    private void ensureLogDirs() {
        try {
            Files.createDirectories(config.taskOutputsDir());
            Files.createDirectories(config.taskErrorsDir());
        } catch (Exception e) {
            throw new ApiException(500, "Server configuration error: Cannot create log directories.");
        }
    }

    /** The original renders failures as a Python list literal; clients may show it verbatim. */
    private static String pythonList(List<Map<String, String>> failures) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < failures.size(); i++) {
            if (i > 0) sb.append(", ");
            var f = failures.get(i);
            sb.append("{'target': '").append(f.get("target")).append("', 'reason': '").append(f.get("reason")).append("'}");
        }
        return sb.append(']').toString();
    }
}
