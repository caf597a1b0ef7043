package io.hakuriver.store;

import io.hakuriver.api.TaskStatus;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One task row. Mutable: the Host changes it under its state lock and then writes it through. */
public final class TaskRecord {
    public long taskId;
    public Long batchId;
    public String command;
    public List<String> arguments;
    public Map<String, String> envVars;
    public int requiredCores;
    public Long requiredMemoryBytes;
    public TaskStatus status;
    /** Node the task runs (or ran) on; null while queued for auto-selection. */
    public String assignedNode;
    /** Node the user targeted (null = auto-select). */
    public String targetNode;
    public Integer targetNumaNodeId;
    public String stdoutPath;
    public String stderrPath;
    public Integer exitCode;
    public String errorMessage;
    public Instant submittedAt;
    public Instant startedAt;
    public Instant completedAt;
    public int assignmentSuspicionCount;
    public String systemdUnitName;
    public String containerName;
    public String dockerImageName;
    public Boolean privileged;
    public List<String> additionalMounts;
    public Integer maxRunning;
    /** How often a start on a runner was deferred (runner busy, unreachable, restarting) and the task went back to the queue. */
    public int dispatchAttempts;
    /** GPU ids the user named on its target ({@code node::0,1}); null = any {@link #gpuCount} GPUs of the node. */
    public List<Integer> requiredGpus;
    /** How many GPUs the task needs (the length of {@link #requiredGpus} when ids were named); 0 = none. */
    public int gpuCount;
    /** Whether it may share its GPUs with other sharing tasks (up to the node's shares_per_gpu per GPU). */
    public boolean gpuShare;
    /** GPU ids reserved for it on {@link #assignedNode} when it was placed; kept after it ended, for the record. */
    public List<Integer> assignedGpus;

    public boolean wantsGpus() { return gpuCount > 0; }
    /** Queue order: higher first, then oldest first (issue 14). */
    public int priority;
    /** Tasks or batches (a batch id = all its elements) that must end first; null when none (issue 14). */
    public long[] dependsOn;
    /** With {@link #dependsOn}: run when they end whatever the outcome (--after-any), not only if all completed. */
    public boolean afterAny;
    /** Further attempts allowed after a failed or lost one (--retries); 0 = none. */
    public int retries;
    /** Seconds before the first retry, doubling for each further one (--retry-delay). */
    public int retryDelay;
    /** Exit codes that are retried (--retry-on); null = any non-zero exit code. */
    public int[] retryOn;
    /** Which attempt this is, from 1; earlier ones are in the task_attempt table with their logs and exit codes. */
    public int attempt = 1;
    /** Not before this time may the next attempt start (back-off); null = as soon as there is room. */
    public Instant retryAt;
    /** Where a JSON POST goes when the task (or its whole batch) ends (--notify); null = only the Host-wide webhook. */
    public String notifyUrl;
    /** Not stored: how many of {@link #dependsOn} have not ended yet; while above 0 the task waits outside the queue. */
    public int unmetDependencies;
    /** Not stored: when the Host placed the task on a node (epoch ms; 0 = not placed since the Host started). */
    public long placedAtMillis;
    /**
     * Not stored: placed on a node that was full, to start there when its running tasks leave room (the Runner
     * holds it); it counts towards the node's task limit but reserves no cores or memory until the Host sees the
     * room free. A restarted Host counts it as a plain reservation.
     */
    public boolean startsWhenRoom;

    public long memoryOrZero() { return requiredMemoryBytes == null ? 0 : requiredMemoryBytes; }

    /**
     * Rough heap bytes this record holds while the Host keeps it in memory (unfinished): a fixed part measured at
     * about 1 KiB per queued task (object, maps, paths, timestamps) plus the user's command line and environment.
     */
    public long footprint() {
        long b = 1024 + len(command);
        if (arguments != null) for (String a : arguments) b += 48 + len(a);
        if (envVars != null) for (var e : envVars.entrySet()) b += 96 + len(e.getKey()) + len(e.getValue());
        if (additionalMounts != null) for (String m : additionalMounts) b += 48 + len(m);
        if (dependsOn != null) b += 16 + 8L * dependsOn.length;
        if (retryOn != null) b += 16 + 4L * retryOn.length;
        b += len(notifyUrl);
        return b;
    }

    private static long len(String s) { return s == null ? 0 : s.length(); }
}
