package io.hakuriver.client;

import io.hakuriver.api.GpuIds;
import io.hakuriver.util.UsageError;
import io.hakuriver.config.MemorySize;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Task options shared by submission commands (a picocli mixin), with the original client's flags and meanings. */
public class TaskOptions {
    @Option(names = "--target", paramLabel = "HOST[:NUMA][::GPUS]", description = "Target node (repeatable); none = the Host picks one."
            + " ::GPUS names GPU ids of that node, e.g. node1::0,1 or node1:0::2.")
    public List<String> targets = new ArrayList<>();

    @Option(names = "--gpus", paramLabel = "N", description = "Any N free GPUs of one node per task (the Host picks the node unless --target names one).")
    public Integer gpus;

    @Option(names = "--gpu-share", description = "Share the task's GPU(s) with other --gpu-share tasks, up to the node's [gpu] shares_per_gpu per GPU.")
    public boolean gpuShare;

    @Option(names = "--cores", paramLabel = "N", description = "CPU cores per task (0 = no limit, no reservation). Default: ${DEFAULT-VALUE}.")
    public int cores = 0;

    @Option(names = "--memory", paramLabel = "SIZE", description = "Memory limit, e.g. 512M, 4G (K/M/G are 1024-based, as Docker and systemd read them).")
    public String memory;

    @Option(names = "--env", paramLabel = "KEY=VALUE", description = "Environment variable for the task (repeatable).")
    public List<String> env = new ArrayList<>();

    @Option(names = "--container", paramLabel = "NAME", description = "Docker environment; NULL = no container (systemd scope or plain process).")
    public String container;

    @Option(names = "--privileged", negatable = true, description = "Run the task container privileged (--no-privileged forces it off).")
    public Boolean privileged;

    @Option(names = "--mount", paramLabel = "HOST:CONTAINER[:ro]", description = "Extra bind mount (repeatable; replaces the Host's default mounts).")
    public List<String> mounts;

    @Option(names = "--priority", paramLabel = "N", description = "Queue priority, -1000..1000: higher starts first, FIFO within one priority (default 0).")
    public Integer priority;

    @Option(names = "--after", split = ",", paramLabel = "ID", description = "Start only after these tasks or batches (a batch id = all its elements) all completed; if one fails or is killed, this task fails without running.")
    public List<String> after = new ArrayList<>();

    @Option(names = "--after-any", split = ",", paramLabel = "ID", description = "Start after these tasks or batches have ended, whatever their outcome.")
    public List<String> afterAny = new ArrayList<>();

    @Option(names = "--retries", paramLabel = "N", description = "Run again up to N times when an attempt fails with a non-zero exit code, or is lost with its node (0..100).")
    public Integer retries;

    @Option(names = "--retry-delay", paramLabel = "SEC", description = "Seconds before the first retry, doubling for each further one (at most 1 h). Default: 10.")
    public Integer retryDelay;

    @Option(names = "--retry-on", split = ",", paramLabel = "CODE", description = "Retry only these exit codes (comma-separated); default: any non-zero.")
    public List<Integer> retryOn = new ArrayList<>();

    @Option(names = "--notify", paramLabel = "URL", description = "POST a JSON note to URL when the task (a sweep: the whole batch) ends; besides the Host's [notify] webhook.")
    public String notify;

    public Long memoryBytes() {
        if (memory == null) return null;
        try { return MemorySize.parse(memory); }
        catch (IllegalArgumentException e) { throw new UsageError("--memory: " + e.getMessage()); }
    }

    public Map<String, String> envMap() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String e : env) {
            int i = e.indexOf('=');
            if (i <= 0) throw new UsageError("--env '" + e + "': expected KEY=VALUE");
            m.put(e.substring(0, i).trim(), e.substring(i + 1).trim());
        }
        return m;
    }

    private static List<String> ids(String option, List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            String s = v.trim();
            if (!s.matches("\\d{1,19}")) throw new UsageError(option + " '" + v + "': expected task or batch ids (decimal numbers), comma-separated");
            out.add(s);
        }
        return out;
    }

    /** The /submit body for a command (sweeps add argument_sets). */
    public Map<String, Object> body(String command, List<String> args) {
        if (cores < 0) throw new UsageError("--cores must be >= 0");
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("command", command);
        b.put("arguments", args);
        b.put("env_vars", envMap());
        b.put("required_cores", cores);
        b.put("required_memory_bytes", memoryBytes());
        putTargets(b);
        b.put("container_name", container);
        b.put("privileged", privileged);
        b.put("additional_mounts", mounts);
        if (gpus != null) {
            if (gpus < 0 || gpus > GpuIds.MAX_PER_TASK) throw new UsageError("--gpus must be between 0 and " + GpuIds.MAX_PER_TASK);
            b.put("gpu_count", gpus);
        }
        if (gpuShare) b.put("gpu_share", true);
        // additions are sent only when used, so a submission without them is byte for byte the original's
        if (priority != null) b.put("priority", priority);
        if (!after.isEmpty() && !afterAny.isEmpty()) throw new UsageError("give either --after or --after-any, not both");
        if (!after.isEmpty()) b.put("after", ids("--after", after));
        if (!afterAny.isEmpty()) b.put("after_any", ids("--after-any", afterAny));
        if ((retryDelay != null || !retryOn.isEmpty()) && retries == null) throw new UsageError("--retry-delay and --retry-on need --retries N");
        if (notify != null) b.put("notify_url", notify);
        if (retries != null) b.put("retries", retries);
        if (retryDelay != null) b.put("retry_delay", retryDelay);
        if (!retryOn.isEmpty()) b.put("retry_on", retryOn);
        return b;
    }

    /**
     * Targets as the Host takes them: {@code node::0,1} becomes the target {@code node} and its ids in
     * {@code required_gpus} (one list per target, KohakuRiver's wire form), sent only when some target names ids.
     */
    private void putTargets(Map<String, Object> b) {
        List<String> plain = new ArrayList<>();
        List<List<Integer>> ids = new ArrayList<>();
        boolean named = false;
        for (String t : targets) {
            int i = t.indexOf("::");
            if (i < 0) { plain.add(t); ids.add(List.of()); continue; }
            try { ids.add(GpuIds.parse(t.substring(i + 2))); }
            catch (IllegalArgumentException e) { throw new UsageError("--target " + t + ": " + e.getMessage()); }
            if (gpus != null && gpus != ids.get(ids.size() - 1).size()) {
                throw new UsageError("--target " + t + " names " + ids.get(ids.size() - 1).size() + " GPU(s) but --gpus says " + gpus);
            }
            plain.add(t.substring(0, i));
            named = true;
        }
        b.put("targets", plain);
        if (named) b.put("required_gpus", ids);
    }
}
