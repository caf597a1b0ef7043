package io.hakuriver.runner.exec;

import io.hakuriver.config.HakuConfig;
import io.hakuriver.systemd.UnixUsers;
import io.hakuriver.util.HostInfo;
import io.hakuriver.util.PrivatePaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task as a plain child process in its own session, so that kill/pause/resume reach the whole process tree
 * through its process group, and records its exit status in the Runner's {@link ExitLog}, so a restarted Runner can
 * still learn how a task it re-attached to ended. Both are done by the jar's static {@link SpawnHelper} (one exec)
 * or, where it cannot run, by {@code setsid} and a constant wrapper script, the task's argv passed as positional
 * parameters — never interpolated into a shell string.
 */
public final class ProcessBackend implements ExecutionBackend {
    private static final Logger log = LoggerFactory.getLogger(ProcessBackend.class);
    /** $0 = exit log, $1 = task id, then the task's argv. Constant: no user data is ever part of this string. */
    static final String WRAPPER = "i=$1; shift; \"$@\"; s=$?; echo \"$i $s\" >> \"$0\"; exit $s";
    /** Environment variable naming the Runner that started a plain-process task (with HAKURIVER_TASK_ID). */
    static final String RUNNER_MARK = "HAKURIVER_RUNNER";

    private final HakuConfig config;
    private final ExitLog exits;
    private final boolean hasSetsid = Files.isExecutable(Path.of("/usr/bin/setsid")) || Files.isExecutable(Path.of("/bin/setsid"));

    /** The static spawn helper when it runs here ({@link SpawnHelper}); null: the setsid + sh wrapper chain. */
    private final Path helper;

    public ProcessBackend(HakuConfig config) { this(config, true); }

    /** @param useHelper false keeps the setsid + sh chain (tests of the fallback) */
    ProcessBackend(HakuConfig config, boolean useHelper) {
        this.config = config;
        Path exitDir = config.runnerStateDir().resolve("exit");
        // traversable, not listable: a runner_user task appends to its exit log here and reads nothing else
        PrivatePaths.directory(exitDir, "rwx--x--x");
        this.exits = new ExitLog(exitDir);
        this.helper = useHelper ? SpawnHelper.install(config.runnerStateDir()).orElse(null) : null;
    }

    /** Whether tasks start through the spawn helper (one exec) rather than setsid and sh. */
    boolean usesHelper() { return helper != null; }

    @Override public String name() { return "process"; }

    @Override public Availability fingerprint() {
        return Files.isExecutable(Path.of("/bin/sh")) ? Availability.ok() : Availability.no("/bin/sh not found");
    }

    @Override public RunningTask start(TaskSpec spec) throws IOException {
        String runAs = config.environment().runnerUser().trim();
        if (HostInfo.isRoot() && runAs.isEmpty() && !config.runner().allowRootTasks()) {
            return failed(spec, "Refusing to run the task as root: set [environment] runner_user, or [runner] allow_root_tasks = true.");
        }
        UnixUsers.Account user = null;
        if (!runAs.isEmpty() && HostInfo.isRoot() && !runAs.equals("root")) {
            user = UnixUsers.byName(runAs).orElse(null);
            if (user == null) return failed(spec, "environment.runner_user '" + runAs + "' is not an account on this node (not in /etc/passwd)");
        }
        Files.createDirectories(spec.workDir());
        Files.createDirectories(spec.stdoutFile().getParent());
        Files.createDirectories(spec.stderrFile().getParent());
        String taskPath = spec.env().getOrDefault("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        Optional<String> program = ProgramLookup.resolve(spec.command(), taskPath, spec.workDir());
        if (program.isEmpty()) return ProgramLookup.notFound(spec, name(), taskPath);

        Path exitLog = exits.acquire(user == null ? null : new int[] {user.uid(), user.gid()}); // the sh wrapper appends as that user (the helper as the Runner)
        // numeric ids: the account's own primary group (a user name is not a group name, e.g. nobody/nogroup)
        List<String> setpriv = user == null ? List.of()
                : List.of("setpriv", "--reuid=" + user.uid(), "--regid=" + user.gid(), "--init-groups", "--");
        List<String> argv = new ArrayList<>();
        if (helper != null) {
            // the helper leads the session, records the status (as the Runner's user) and runs setpriv -> the task
            argv.addAll(List.of(helper.toString(), exitLog.toString(), String.valueOf(spec.taskId())));
            argv.addAll(setpriv);
        } else {
            if (hasSetsid) argv.add("setsid");
            argv.addAll(setpriv);
            argv.addAll(List.of("/bin/sh", "-c", WRAPPER, exitLog.toString(), String.valueOf(spec.taskId())));
        }
        String numactl = config.paths().numactlPath().isBlank() ? "numactl" : config.paths().numactlPath();
        if (spec.numaNode() != null && onPath(numactl)) {
            // bind to the targeted NUMA zone like the systemd backend does (argv, inside the wrapper)
            argv.addAll(List.of(numactl, "--cpunodebind=" + spec.numaNode(), "--membind=" + spec.numaNode(), "--"));
        } else if (spec.numaNode() != null) {
            log.warn("Task {} targets NUMA node {} but {} is not available: running unbound", spec.taskId(), spec.numaNode(), numactl);
        }
        argv.add(program.get());
        argv.addAll(spec.arguments());

        ProcessBuilder pb = new ProcessBuilder(argv).directory(spec.workDir().toFile())
                .redirectOutput(spec.stdoutFile().toFile()).redirectError(spec.stderrFile().toFile());
        Map<String, String> env = pb.environment();
        env.clear(); // never hand the Runner's environment (and its token) to tasks
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        env.put("HOME", user == null ? System.getProperty("user.home") : user.home() == null || user.home().isBlank() ? "/" : user.home());
        env.put("LANG", System.getenv().getOrDefault("LANG", "C.UTF-8"));
        env.putAll(spec.env());
        env.putAll(GpuEnvironment.bare(spec.gpus())); // after the task's own: it cannot widen them
        env.put(RUNNER_MARK, config.runnerName()); // how a Runner that lost its state dir finds the task (discover)
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            exits.release(exitLog);
            return failed(spec, "Could not start the task: " + e.getMessage());
        }
        ProcessHandle h = p.toHandle();
        String handle = h.pid() + ":" + h.info().startInstant().map(Instant::toEpochMilli).orElse(0L) + ":" + exitLog;
        // our child: the wrapper's exit status is the task's (it exits with it), no need to read the log
        CompletableFuture<TaskOutcome> done = p.onExit().thenApply(proc -> {
            exits.release(exitLog);
            return TaskOutcome.exited(proc.exitValue());
        });
        return new RunningTask(spec.taskId(), name(), handle, done);
    }

    static boolean onPath(String exe) {
        if (exe.contains("/")) return Files.isExecutable(Path.of(exe));
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, exe))) return true;
        }
        return false;
    }

    private RunningTask failed(TaskSpec spec, String msg) {
        return new RunningTask(spec.taskId(), name(), "", CompletableFuture.completedFuture(TaskOutcome.launchFailed(msg)));
    }

    /** The outcome of a re-attached task, from the exit log (or a one-task exit file of an earlier Runner version). */
    private TaskOutcome recoveredOutcome(long taskId, Path exitFile) {
        var code = ExitLog.statusOf(exitFile, taskId);
        if (ExitLog.isLog(exitFile)) exits.release(exitFile);
        else try { Files.deleteIfExists(exitFile); } catch (IOException ignored) { }
        // nothing recorded: the wrapper itself was killed (SIGKILL of the group) while the Runner was down
        return code.isPresent() ? TaskOutcome.exited(code.getAsInt())
                : new TaskOutcome(null, false, "Task ended while the Runner was down; exit status unknown.");
    }

    @Override public void recovered() { exits.sweep(); }

    private record Handle(long pid, long startMillis, Path exitFile) {
        static Handle parse(String s) {
            String[] p = s.split(":", 3);
            if (p.length != 3) throw new IllegalArgumentException("bad process handle '" + s + "'");
            return new Handle(Long.parseLong(p[0]), Long.parseLong(p[1]), Path.of(p[2]));
        }
    }

    private static Optional<ProcessHandle> live(Handle h) {
        return ProcessHandle.of(h.pid()).filter(ProcessHandle::isAlive)
                .filter(ph -> h.startMillis() == 0 || ph.info().startInstant().map(Instant::toEpochMilli).orElse(-1L) == h.startMillis());
    }

    @Override public void kill(RunningTask task) throws Exception { signal(task, "KILL"); }
    @Override public void pause(RunningTask task) throws Exception { signal(task, "STOP"); }
    @Override public void resume(RunningTask task) throws Exception { signal(task, "CONT"); }

    /** Signals the task's process group (its session), and every descendant we can see as a fallback. */
    private void signal(RunningTask task, String sig) throws Exception {
        if (task.handle().isEmpty()) return;
        Handle h = Handle.parse(task.handle());
        Optional<ProcessHandle> ph = live(h);
        if (ph.isEmpty()) return; // already gone: nothing to do
        List<String> pids = new ArrayList<>();
        if (hasSetsid) pids.add("-" + h.pid()); // the whole process group
        pids.add(String.valueOf(h.pid()));
        ph.get().descendants().forEach(d -> pids.add(String.valueOf(d.pid())));
        List<String> argv = new ArrayList<>(List.of("kill", "-s", sig, "--"));
        argv.addAll(pids);
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.SECONDS)) { p.destroyForcibly(); throw new IOException("kill -s " + sig + " timed out"); }
        // some listed descendants may have exited in between: only fail when the main process is still there
        if (p.exitValue() != 0 && live(h).isPresent() && !sig.equals("KILL")) {
            throw new IOException("kill -s " + sig + " failed: " + out.trim());
        }
    }

    /**
     * Plain-process tasks of this Runner still on the node, found without the state dir (deleted, disk replaced):
     * the wrapper of each task leads its own session and carries {@code HAKURIVER_RUNNER=<name>},
     * {@code HAKURIVER_SHARED_DIR} and {@code HAKURIVER_TASK_ID} in its environment. Its exit file is created again
     * for the task's account, so the exit status is still recorded.
     */
    @Override public java.util.Map<Long, String> discover(String runnerName) {
        java.util.Map<Long, String> found = new java.util.HashMap<>();
        // the name and the shared dir: a Runner of the same name in another cluster on this machine is not us
        List<String> marks = List.of(RUNNER_MARK + "=" + runnerName, "HAKURIVER_SHARED_DIR=" + config.sharedDir());
        for (ProcScan.Marked m : ProcScan.marked(marks)) {
            if (hasSetsid && !m.sessionLeader()) continue; // a child of a task inherits its environment
            if (found.containsKey(m.taskId()) && !m.sessionLeader()) continue;
            Path exitFile = exitFileOf(m);
            try {
                if (ExitLog.isLog(exitFile)) ExitLog.create(exitFile, m.uid() == UnixUsers.currentUid() ? null : new int[] {m.uid(), m.gid()});
                else if (!Files.exists(exitFile) && m.uid() != UnixUsers.currentUid()) PrivatePaths.fileOwnedBy(exitFile, m.uid(), m.gid());
            } catch (IOException e) {
                log.warn("Cannot prepare the exit file of found task {}: {}", m.taskId(), e.toString());
            }
            found.put(m.taskId(), m.pid() + ":" + m.startMillis() + ":" + exitFile);
        }
        return found;
    }

    /**
     * Where a found task's wrapper will record its status: the log named on its command line
     * ({@code hakuriver-spawn <log> <id> …} or {@code sh -c WRAPPER <log> <id> …}), or the one-task exit file of a
     * Runner version before the shared log.
     */
    private Path exitFileOf(ProcScan.Marked m) {
        try {
            String[] argv = new String(Files.readAllBytes(Path.of("/proc", String.valueOf(m.pid()), "cmdline")),
                    java.nio.charset.StandardCharsets.UTF_8).split("\0");
            if (SpawnHelper.isHelper(argv) && ExitLog.isLog(Path.of(argv[1]))) return Path.of(argv[1]);
            for (int i = 0; i + 2 < argv.length; i++) {
                if (argv[i].equals("-c") && argv[i + 1].equals(WRAPPER) && ExitLog.isLog(Path.of(argv[i + 2]))) return Path.of(argv[i + 2]);
            }
        } catch (IOException | RuntimeException e) { /* gone meanwhile, or not readable: the older name */ }
        return config.runnerStateDir().resolve("exit").resolve(m.taskId() + ".exit");
    }

    @Override public Optional<RunningTask> recover(long taskId, String handle) {
        if (handle == null || handle.isEmpty()) return Optional.empty();
        Handle h = Handle.parse(handle);
        Optional<ProcessHandle> ph = live(h);
        CompletableFuture<TaskOutcome> done;
        if (ph.isPresent()) {
            // not our child any more: onExit() polls; the exit status comes from the wrapper's line in the log
            exits.hold(h.exitFile());
            done = ph.get().onExit().thenApply(x -> recoveredOutcome(taskId, h.exitFile()));
        } else if (ExitLog.statusOf(h.exitFile(), taskId).isPresent()) {
            exits.hold(h.exitFile());
            done = CompletableFuture.completedFuture(recoveredOutcome(taskId, h.exitFile()));
        } else {
            return Optional.empty();
        }
        log.info("Re-attached to task {} (pid {})", taskId, h.pid());
        return Optional.of(new RunningTask(taskId, name(), handle, done));
    }
}
