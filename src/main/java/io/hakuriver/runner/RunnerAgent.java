package io.hakuriver.runner;

import io.hakuriver.api.RunRequest;
import io.hakuriver.api.TaskStatus;
import io.hakuriver.api.UpdateRequest;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.runner.TaskTable.Entry;
import io.hakuriver.runner.TaskTable.State;
import io.hakuriver.runner.exec.BackendRegistry;
import io.hakuriver.runner.exec.ExecutionBackend;
import io.hakuriver.runner.exec.RunningTask;
import io.hakuriver.runner.exec.TaskOutcome;
import io.hakuriver.runner.exec.TaskSpec;
import io.hakuriver.util.Times;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Runner's task lifecycle: accept, start through a backend, track (on disk), control, report. Every status
 * change goes through the {@link UpdateOutbox}, so it reaches the Host even across Host or Runner restarts.
 */
public final class RunnerAgent {
    private static final Logger log = LoggerFactory.getLogger(RunnerAgent.class);

    private final HakuConfig config;
    private final BackendRegistry backends;
    private final TaskTable table;
    private final UpdateOutbox outbox;
    private final GpuMonitor gpus;
    private final Map<Long, RunningTask> live = new ConcurrentHashMap<>();
    /** Tasks the Host killed before or while they were starting: never start them / kill right after start. */
    private final Set<Long> cancelled = Collections.newSetFromMap(new ConcurrentHashMap<>());
    /** Start threads: a start forks a process (or a docker/systemd-run client), more threads than cores buy nothing. */
    static final int START_THREADS = 3;
    /** Starts accepted but not yet done; beyond this /run answers 429 (the Host's in-flight bound should be lower). */
    static final int START_QUEUE = 256;
    /**
     * Request bytes behind the queued starts (a queued start keeps its command, arguments and environment): one
     * request of the maximum size, which measured about 30 MiB of heap from parsing to exec together with the
     * one behind it.
     */
    static final long START_QUEUE_BYTES = io.hakuriver.http.Limits.MAX_TASK_BODY_BYTES;
    private final StartQueue starts = new StartQueue(START_THREADS, START_QUEUE, START_QUEUE_BYTES);
    private final DiskSpace disk;

    /** Tasks the Host sent {@code when_room}, waiting for the running ones to leave room; see {@link WhenRoom}. */
    private final WhenRoom waiting;

    public RunnerAgent(HakuConfig config, BackendRegistry backends, TaskTable table, UpdateOutbox outbox, GpuMonitor gpus,
                       int totalCores, long totalRamBytes) {
        this.waiting = new WhenRoom(totalCores, totalRamBytes);
        this.config = config;
        this.backends = backends;
        this.table = table;
        this.outbox = outbox;
        this.gpus = gpus;
        this.disk = new DiskSpace(config);
    }

    public TaskTable table() { return table; }

    /** Outcome of a control request, mapped to HTTP by the server. */
    public enum Result { OK, NOT_FOUND, CONFLICT, FAILED, BUSY }
    public record Reply(Result result, String message) {}

    /**
     * Queues the start of a task. OK once it is queued (or definitely refused for a bad spec: reported as failed);
     * CONFLICT for a duplicate or a task killed before it started; BUSY when the start queue is full (nothing was
     * recorded: the Host may send it again).
     *
     * @param requestBytes size of the /run body, the memory the queued start holds
     */
    public Reply accept(RunRequest r, long requestBytes) {
        long id = r.taskId();
        if (table.contains(id)) return duplicate(id);
        if (cancelled.contains(id)) return new Reply(Result.CONFLICT, "Task " + id + " was killed before it started.");
        // finished here, its outcome not yet delivered: a Host that restarted sends its /run again; never rerun it
        if (outbox.hasPending(id)) return new Reply(Result.CONFLICT, "Task " + id + " already ran on this node; its outcome is being delivered.");
        TaskSpec spec;
        try {
            spec = spec(r);
        } catch (IllegalArgumentException e) {
            report(id, TaskStatus.FAILED, null, "Task rejected by runner: " + e.getMessage(), null);
            return new Reply(Result.OK, "Task accepted for launch");
        }
        String started = Times.localNow();
        boolean later = r.startsWhenRoom();
        // a task that waits for room starts (and says it started) when it leaves the wait, not when it came
        WhenRoom.Start start = new WhenRoom.Start(id, r.requiredCores(), r.requiredMemoryBytes() == null ? 0 : r.requiredMemoryBytes(),
                requestBytes, () -> launchCounted(spec, later ? Times.localNow() : started));
        if (later) {
            if (!waiting.hasRoom()) return busy();
            if (!table.add(new Entry(id, null, null, State.STARTING, started))) return duplicate(id); // a concurrent /run won
            waiting.add(start);
            startWhatFits();
            return new Reply(Result.OK, "Task accepted for launch when room frees");
        }
        if (!starts.hasRoom(requestBytes)) return busy();
        if (!table.add(new Entry(id, null, null, State.STARTING, started))) return duplicate(id); // a concurrent /run won
        waiting.admit(start);
        if (!starts.offer(requestBytes, start.launch())) {
            waiting.release(id);
            table.remove(id);
            return busy();
        }
        return new Reply(Result.OK, "Task accepted for launch");
    }

    /** Hands the waiting {@code when_room} tasks that fit now to the start queue, in the order they came. */
    private void startWhatFits() { waiting.startWhatFits(s -> starts.offer(s.requestBytes(), s.launch())); }

    /** A start whose task, once it ends (or did not start), gives its room to the waiting ones. */
    private void launchCounted(TaskSpec spec, String started) {
        try {
            launch(spec, started);
        } finally {
            if (!live.containsKey(spec.taskId())) taskGone(spec.taskId()); // it did not start, or already ended
        }
    }

    private void taskGone(long id) {
        if (waiting.release(id)) startWhatFits();
    }

    private static Reply duplicate(long id) { return new Reply(Result.CONFLICT, "Task " + id + " is already running/tracked on this node."); }

    private Reply busy() {
        return new Reply(Result.BUSY, "Runner " + config.runnerName() + " is busy: " + starts.capacity()
                + " task starts are already queued; send the task again later.");
    }

    private TaskSpec spec(RunRequest r) {
        Path shared = config.sharedDir();
        Map<String, String> env = new LinkedHashMap<>();
        if (r.envVars() != null) {
            r.envVars().forEach((k, v) -> {
                if (!k.matches("[A-Za-z_][A-Za-z0-9_]*")) throw new IllegalArgumentException("invalid environment variable name '" + k + "'");
                env.put(k, v == null ? "" : v);
            });
        }
        env.put("HAKURIVER_TASK_ID", String.valueOf(r.taskId()));
        env.put("HAKURIVER_SHARED_DIR", shared.toString());
        env.put("HAKURIVER_LOCAL_TEMP_DIR", config.localTempDir().toString());
        List<Integer> numaCores = List.of();
        if (r.targetNumaNodeId() != null) {
            env.put("HAKURIVER_TARGET_NUMA_NODE", String.valueOf(r.targetNumaNodeId()));
            var topo = RunnerDaemon.numa(config);
            if (topo != null && topo.get(String.valueOf(r.targetNumaNodeId())) != null) {
                numaCores = topo.get(String.valueOf(r.targetNumaNodeId())).cores();
            }
        }
        if (r.command() == null || r.command().isBlank()) throw new IllegalArgumentException("empty command");
        if (r.requiredCores() < 0) throw new IllegalArgumentException("negative cores");
        List<io.hakuriver.runner.exec.AssignedGpu> assigned = gpus.resolve(r.requiredGpus());
        return new TaskSpec(r.taskId(), r.command(), r.arguments() == null ? List.of() : r.arguments(), env,
                r.requiredCores(), r.requiredMemoryBytes(), r.targetNumaNodeId(), numaCores,
                r.dockerImageName() == null ? "" : r.dockerImageName(), r.dockerPrivileged(),
                r.dockerAdditionalMounts() == null ? List.of() : r.dockerAdditionalMounts(),
                shared.resolve("task_outputs").resolve(r.taskId() + ".out"),
                shared.resolve("task_errors").resolve(r.taskId() + ".err"),
                shared.resolve("shared_data"), shared, config.localTempDir(), assigned);
    }

    private void launch(TaskSpec spec, String started) {
        long id = spec.taskId();
        if (cancelled.remove(id)) { // killed while queued
            table.remove(id);
            report(id, TaskStatus.KILLED, null, "Killed by host request before it started.", started);
            return;
        }
        String full = disk.problem();
        if (full != null) { // its output, working dir or exit status could not be written
            table.remove(id);
            report(id, TaskStatus.FAILED, null, full + ". The task was not started.", started);
            log.warn("Task {} not started: {}", id, full);
            return;
        }
        ExecutionBackend backend = backends.forImage(spec.dockerImage());
        table.setState(id, State.SPAWNING);
        RunningTask task;
        try {
            task = backend.start(spec);
        } catch (Exception e) {
            table.remove(id);
            report(id, TaskStatus.FAILED, null, "Could not start task with the " + backend.name() + " backend: " + e.getMessage(), started);
            return;
        }
        if (task.completion().isDone() && task.handle().isEmpty()) { // launch failure reported by the backend
            table.remove(id);
            finish(id, task.completion().join(), started, false);
            return;
        }
        live.put(id, task);
        table.put(new Entry(id, backend.name(), task.handle(), State.RUNNING, started));
        if (cancelled.remove(id)) {
            try { backend.kill(task); } catch (Exception e) { log.warn("kill of cancelled task {} failed: {}", id, e.toString()); }
        } else {
            report(id, TaskStatus.RUNNING, null, null, started);
        }
        watch(task, started);
    }

    private void watch(RunningTask task, String started) {
        // runs on the JDK's process reaper thread, whose future would keep an Error to itself
        task.completion().whenComplete((outcome, err) -> Fatal.guard("task " + task.taskId() + " completion", () -> {
            Error fatal = Fatal.errorIn(err);
            if (fatal != null) throw fatal;
            boolean killedByHost = cancelled.remove(task.taskId());
            live.remove(task.taskId());
            table.remove(task.taskId());
            TaskOutcome o = err != null ? TaskOutcome.launchFailed("Backend error: " + err) : outcome;
            finish(task.taskId(), o, started, killedByHost); // its outcome first: the Host frees its room before ...
            taskGone(task.taskId()); // ... it hears that a waiting task started in it
        }).run());
    }

    private void finish(long id, TaskOutcome o, String started, boolean killedByHost) {
        if (killedByHost) {
            report(id, TaskStatus.KILLED, o.exitCode(), "Killed by host request.", started);
        } else if (o.oomKilled()) {
            report(id, TaskStatus.KILLED_OOM, o.exitCode() == null ? 137 : o.exitCode(), o.message() == null ? "Killed: out of memory." : o.message(), started);
        } else if (o.succeeded()) {
            report(id, TaskStatus.COMPLETED, 0, null, started);
        } else {
            String full = disk.problem();
            report(id, TaskStatus.FAILED, o.exitCode(), full == null ? o.message() : join(o.message(), full
                    + " (the task's writes there fail)."), started);
        }
        log.info("Task {} finished: exit={} oom={} {}", id, o.exitCode(), o.oomKilled(), o.message() == null ? "" : o.message());
    }

    private static String join(String a, String b) { return a == null || a.isBlank() ? b : a + " " + b; }

    /** Queues a status update for the Host, in naive local time as the original Runner sends it (see Times.local). */
    private void report(long id, TaskStatus status, Integer exit, String message, String started) {
        boolean fin = status != TaskStatus.RUNNING && status != TaskStatus.PAUSED;
        outbox.add(new UpdateRequest(id, status, exit, message, started, fin ? Times.localNow() : null));
    }

    public Reply kill(long id) {
        Entry e = table.get(id);
        if (e == null) {
            // it ended here and its outcome is on its way: nothing to kill, and no second outcome to report
            if (outbox.pendingTaskIds().contains(id)) return new Reply(Result.NOT_FOUND, "Task " + id + " already ended on this node.");
            cancelled.add(id); // a /run still in flight must not start it
            report(id, TaskStatus.KILLED, -9, "Kill requested by host, task not tracked by runner.", null);
            return new Reply(Result.NOT_FOUND, "Task " + id + " not found or not tracked.");
        }
        if (waiting.remove(id)) { // waiting for room: it never starts
            table.remove(id);
            report(id, TaskStatus.KILLED, null, "Killed by host request before it started.", null);
            return new Reply(Result.OK, "Kill processed for task " + id + " (it will not start).");
        }
        cancelled.add(id);
        RunningTask t = live.get(id);
        if (t == null) return new Reply(Result.OK, "Kill processed for task " + id + " (it will not start).");
        try {
            backends.get(t.backend()).kill(t);
        } catch (Exception ex) {
            log.error("kill of task {} failed: {}", id, ex.toString());
            return new Reply(Result.FAILED, "Kill of task " + id + " failed: " + ex.getMessage());
        }
        return new Reply(Result.OK, "Kill processed for task " + id + ". Final status will be reported via heartbeat.");
    }

    public Reply pause(long id) { return control(id, true); }
    public Reply resume(long id) { return control(id, false); }

    private Reply control(long id, boolean pause) {
        Entry e = table.get(id);
        RunningTask t = live.get(id);
        if (e == null || t == null || (pause ? e.state() != State.RUNNING : e.state() != State.PAUSED)) {
            return new Reply(Result.NOT_FOUND, "Task " + id + " not found or not tracked.");
        }
        try {
            if (pause) backends.get(t.backend()).pause(t); else backends.get(t.backend()).resume(t);
        } catch (Exception ex) {
            return new Reply(Result.FAILED, (pause ? "Pause" : "Resume") + " of task " + id + " failed: " + ex.getMessage());
        }
        table.setState(id, pause ? State.PAUSED : State.RUNNING);
        report(id, pause ? TaskStatus.PAUSED : TaskStatus.RUNNING, null, null, e.startedAt());
        return new Reply(Result.OK, (pause ? "Pause" : "Resume") + " request processed for task " + id);
    }

    /** Re-attaches to the tasks of an earlier Runner process (state file + backend discovery). */
    public void recover() {
        for (Entry e : table.all()) {
            if (e.state() == State.STARTING) {
                // it never left the start queue: say nothing, the Host sees it missing and queues it again
                table.remove(e.taskId());
                log.info("Task {} was still waiting to start when the Runner stopped; the Host will queue it again", e.taskId());
                continue;
            }
            if (e.handle() == null || e.backend() == null) {
                table.remove(e.taskId());
                report(e.taskId(), TaskStatus.FAILED, null, "Runner restarted while the task's process was being created; it may have started, its outcome is unknown.", e.startedAt());
                continue;
            }
            ExecutionBackend b = backends.get(e.backend());
            try {
                var found = b == null ? java.util.Optional.<RunningTask>empty() : b.recover(e.taskId(), e.handle());
                if (found.isPresent()) {
                    waiting.admitUnknown(e.taskId());
                    live.put(e.taskId(), found.get());
                    watch(found.get(), e.startedAt());
                    log.info("Recovered task {} ({} backend, {})", e.taskId(), e.backend(), e.state());
                } else {
                    table.remove(e.taskId());
                    report(e.taskId(), TaskStatus.FAILED, null, "Task ended while the runner was down; its exit status is unknown.", e.startedAt());
                }
            } catch (Exception ex) {
                log.error("recovery of task {} failed: {}", e.taskId(), ex.toString());
            }
        }
        for (ExecutionBackend b : backends.all()) {
            try {
                for (var d : b.discover(config.runnerName()).entrySet()) {
                    long id = d.getKey();
                    if (table.contains(id)) continue;
                    b.recover(id, d.getValue()).ifPresent(t -> {
                        String now = Times.localNow();
                        waiting.admitUnknown(id);
                        live.put(id, t);
                        table.put(new Entry(id, b.name(), t.handle(), State.RUNNING, now));
                        report(id, TaskStatus.RUNNING, null, null, now);
                        watch(t, now);
                        log.info("Adopted task {} found by the {} backend", id, b.name());
                    });
                }
            } catch (Exception ex) {
                log.warn("{} backend discovery failed: {}", b.name(), ex.toString());
            }
            b.recovered();
        }
    }

    /** Tasks started and not yet ended. */
    public int liveCount() { return live.size(); }

    public List<Long> runningIds() { return table.ids(State.STARTING, State.SPAWNING, State.RUNNING); }
    public List<Long> pausedIds() { return table.ids(State.PAUSED); }

    public Map<String, Object> health() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hostname", config.runnerName());
        m.put("running", runningIds().stream().map(String::valueOf).toList());
        m.put("paused", pausedIds().stream().map(String::valueOf).toList());
        m.put("pending_updates", outbox.pending());
        Map<String, Object> bs = new LinkedHashMap<>();
        for (ExecutionBackend b : backends.all()) {
            var a = b.fingerprint();
            bs.put(b.name(), Map.of("available", a.available(), "reason", a.reason()));
        }
        m.put("backends", bs);
        m.put("null_backend", backends.nullBackend().name());
        m.put("disk", disk.health());
        m.put("disk_problem", disk.problem()); // null while every directory has room
        return m;
    }

    static boolean ensureDir(Path p) {
        try { Files.createDirectories(p); return true; } catch (Exception e) { return false; }
    }

    public void shutdown() {
        starts.close();
        table.close();
    }

}
