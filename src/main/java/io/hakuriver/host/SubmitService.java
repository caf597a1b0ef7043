package io.hakuriver.host;

import io.hakuriver.api.Bounds;
import io.hakuriver.api.GpuIds;
import io.hakuriver.http.ApiException;
import io.hakuriver.http.Body;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.store.TaskRecord;
import io.javalin.http.Context;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * POST /submit: parses and checks the request's fields (types, ranges, sizes, names, Docker policy) and hands the
 * result to {@link HostCore#submit}, which queues the tasks; renders the original's answer.
 */
final class SubmitService {
    /** {@code host}, {@code host:numa}, and KohakuRiver's {@code host::gpu_ids} / {@code host:numa::gpu_ids}. */
    private static final Pattern TARGET = Pattern.compile("^([A-Za-z0-9._-]+)(?::(\\d+))?(?:::([0-9, ]*))?$");
    /** Elements one request may create; a larger sweep is refused before anything is stored. */
    static final int MAX_TASKS_PER_REQUEST = 10_000;
    /** Command, arguments and environment of one task, in bytes (Linux cannot exec much more than 2 MiB anyway). */
    static final int MAX_TASK_BYTES = 1 << 20;

    private final HostCore core;
    private final HakuConfig config;
    /** Validates requested Docker mounts; supplied by the Docker module (identity when absent). */
    private final UnaryOperator<List<String>> mountPolicy;

    SubmitService(HostCore core, UnaryOperator<List<String>> mountPolicy) {
        this.core = core;
        this.config = core.config();
        this.mountPolicy = mountPolicy;
    }

    void register(RouteRegistry r) {
        r.post("/submit", this::submit);
        r.post("/task/{task_id}/priority", this::priority);
    }

    /** POST /task/{id}/priority {"priority": N}: a pending task moves to its new place in the queue. */
    private void priority(Context ctx) {
        long id = TaskApi.idParam(ctx, "task_id");
        Body b = Body.of(ctx);
        Long p = b.integer("priority", true);
        if (p != null && (p < RunPolicy.MIN_PRIORITY || p > RunPolicy.MAX_PRIORITY)) {
            b.err("priority", "priority must be between " + RunPolicy.MIN_PRIORITY + " and " + RunPolicy.MAX_PRIORITY, "value_error");
        }
        b.check();
        TaskRecord t = core.setPriority(id, p.intValue());
        ctx.json(Map.of("message", "Priority of task " + id + " is now " + t.priority + ".", "task_id", String.valueOf(id), "priority", t.priority));
    }

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
        Long gpuCount = b.integer("gpu_count", false);
        Boolean gpuShare = b.bool("gpu_share");
        List<List<Integer>> gpusPerTarget = gpusPerTarget(b);
        Long priority = b.integer("priority", false);
        List<Long> after = b.longs("after"), afterAny = b.longs("after_any");
        Long retries = b.integer("retries", false), retryDelay = b.integer("retry_delay", false);
        List<Long> retryOn = b.longs("retry_on");
        if (retries != null && (retries < 0 || retries > RunPolicy.MAX_RETRIES)) b.err("retries", "retries must be between 0 and " + RunPolicy.MAX_RETRIES, "value_error");
        if (retryDelay != null && (retryDelay < 0 || retryDelay > 86_400)) b.err("retry_delay", "retry_delay must be between 0 and 86400 seconds", "value_error");
        for (long code : retryOn) if (code < 1 || code > 255) { b.err("retry_on", "retry_on lists exit codes between 1 and 255", "value_error"); break; }
        String notify = b.string("notify_url", false);
        if (notify != null && (notify.length() > 2048 || !notify.matches("^https?://[^\\s/]+(/\\S*)?$"))) {
            b.err("notify_url", "notify_url must be an http:// or https:// URL of at most 2048 characters", "value_error");
        }
        if (!after.isEmpty() && !afterAny.isEmpty()) {
            b.err("after_any", "give either after (all must complete) or after_any (all must end), not both", "value_error");
        }
        if (priority != null && (priority < RunPolicy.MIN_PRIORITY || priority > RunPolicy.MAX_PRIORITY)) {
            b.err("priority", "priority must be between " + RunPolicy.MIN_PRIORITY + " and " + RunPolicy.MAX_PRIORITY, "value_error");
        }
        if (command != null && command.isBlank()) b.err("command", "command must not be empty", "value_error");
        if (cores != null && cores < 0) b.err("required_cores", "Input should be greater than or equal to 0", "greater_than_equal");
        if (cores != null && cores > 100_000) b.err("required_cores", "required_cores is unreasonably large", "less_than_equal");
        if (memory != null && memory < 0) b.err("required_memory_bytes", "Input should be greater than or equal to 0", "greater_than_equal");
        if (memory != null && memory > Bounds.MAX_MEMORY_BYTES) b.err("required_memory_bytes", "required_memory_bytes must be at most " + Bounds.MAX_MEMORY_BYTES, "less_than_equal");
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
        List<HostCore.Target> targets = new ArrayList<>();
        if (targetTexts != null) {
            for (String t : targetTexts) {
                Matcher m = TARGET.matcher(t.strip()); // strip, not trim: trim would drop a NUL
                if (!m.matches()) {
                    b.err("targets", "Invalid target format: '" + t + "'. Use 'hostname' or 'hostname:numa_id'"
                            + " (GPU ids: 'hostname::0,1' or 'hostname:numa_id::0,1').", "value_error");
                    continue;
                }
                Integer numa = null;
                if (m.group(2) != null) {
                    try { numa = Integer.parseInt(m.group(2)); if (numa > Bounds.MAX_NUMA_ID) throw new NumberFormatException(); }
                    catch (NumberFormatException e) { b.err("targets", "Invalid NUMA ID in '" + t + "': at most " + Bounds.MAX_NUMA_ID, "value_error"); continue; }
                }
                List<Integer> gpus = null;
                if (m.group(3) != null) {
                    try { gpus = GpuIds.parse(m.group(3)); }
                    catch (IllegalArgumentException e) { b.err("targets", "Invalid GPU ids in '" + t + "': " + e.getMessage(), "value_error"); continue; }
                }
                int i = targets.size();
                List<Integer> listed = gpusPerTarget == null || i >= gpusPerTarget.size() ? null : gpusPerTarget.get(i);
                if (gpus != null && listed != null) {
                    b.err("required_gpus", "Target '" + t + "' names GPU ids and required_gpus does too: give them in one place", "value_error");
                }
                if (gpus == null) gpus = listed;
                if (gpus != null && gpuCount != null && gpuCount > 0 && gpuCount != gpus.size()) {
                    b.err("gpu_count", "gpu_count " + gpuCount + " does not match the " + gpus.size() + " GPU ids named for target '" + t + "'", "value_error");
                }
                targets.add(new HostCore.Target(t.strip(), m.group(1), numa, gpus));
            }
        }
        if (gpusPerTarget != null && gpusPerTarget.size() != (targetTexts == null ? 0 : targetTexts.size())) {
            b.err("required_gpus", "required_gpus has " + gpusPerTarget.size() + " entries for " + (targetTexts == null ? 0 : targetTexts.size())
                    + " targets: give one list of GPU ids per target (without targets use gpu_count)", "value_error");
        }
        if (gpuCount != null && (gpuCount < 0 || gpuCount > GpuIds.MAX_PER_TASK)) {
            b.err("gpu_count", "gpu_count must be between 0 and " + GpuIds.MAX_PER_TASK, "value_error");
        }
        boolean anyGpu = (gpuCount != null && gpuCount > 0) || targets.stream().anyMatch(t -> t.gpus() != null && !t.gpus().isEmpty());
        if (Boolean.TRUE.equals(gpuShare) && !anyGpu) b.err("gpu_share", "gpu_share needs GPUs: give gpu_count or GPU ids (host::0)", "value_error");
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

        ensureLogDirs();
        HostCore.Submitted done = core.submit(new HostCore.NewTasks(command, arguments == null ? List.of() : arguments, sets,
                env, cores.intValue(), memory, targets, envName, image, priv, effectiveMounts,
                maxRunning == null ? null : maxRunning.intValue(), gpuCount == null ? 0 : gpuCount.intValue(), Boolean.TRUE.equals(gpuShare)),
                new RunPolicy(priority == null ? 0 : priority.intValue(), afterAny.isEmpty() ? after : afterAny, !afterAny.isEmpty(),
                        retries == null ? 0 : retries.intValue(), retryDelay == null ? RunPolicy.DEFAULT_RETRY_DELAY : retryDelay.intValue(),
                        retryOn.stream().map(Long::intValue).toList(), notify == null || notify.isBlank() ? null : notify));
        List<TaskRecord> created = done.created();
        List<Map<String, String>> failures = done.failures();
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

    /**
     * KohakuRiver's required_gpus: one list of GPU ids per target (an empty list: no GPU named for that target).
     * Null when absent; an empty inner list becomes null (that target uses gpu_count).
     */
    private static List<List<Integer>> gpusPerTarget(Body b) {
        if (!b.has("required_gpus")) return null;
        var node = b.raw().get("required_gpus");
        if (!node.isArray() || node.size() > MAX_TASKS_PER_REQUEST) {
            b.err("required_gpus", "required_gpus must be a list with one list of GPU ids per target", "list_type");
            return null;
        }
        List<List<Integer>> out = new ArrayList<>();
        for (var ids : node) {
            if (!ids.isArray()) { b.err("required_gpus", "each element of required_gpus must be a list of GPU ids", "list_type"); return null; }
            StringBuilder text = new StringBuilder();
            for (var id : ids) {
                if (!id.isIntegralNumber()) { b.err("required_gpus", "GPU ids must be integers", "int_type"); return null; }
                if (text.length() > 0) text.append(',');
                text.append(id.asText());
            }
            if (ids.isEmpty()) { out.add(null); continue; }
            try { out.add(GpuIds.parse(text.toString())); }
            catch (IllegalArgumentException e) { b.err("required_gpus", e.getMessage(), "value_error"); return null; }
        }
        return out;
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

}
