package io.hakuriver.runner.exec;

import io.hakuriver.config.HakuConfig;
import io.hakuriver.systemd.ScopeCommands;
import io.hakuriver.systemd.UnixUsers;
import io.hakuriver.util.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code --container NULL} tasks as transient systemd scopes {@code hakuriver-task-<id>.scope}: CPUQuota and
 * MemoryMax from the task, the task user's identity, a minimal environment, output to the task's log files, and
 * control of the whole process tree through the unit. See {@link ScopeCommands} for the exact command lines.
 * <p>The handle stored by the Runner is {@code <unit>|<exit file>}: after a Runner restart {@link #recover} waits for
 * the scope to end and reads the exit status the scope's wrapper wrote (exit code and OOM kills).
 */
public class SystemdScopeBackend implements ExecutionBackend {
    private static final Logger log = LoggerFactory.getLogger(SystemdScopeBackend.class);
    static final String MINIMAL_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final long POLL_MS = 500;
    /** Launcher exit status when the launcher was started by an earlier Runner process. */
    private static final int UNKNOWN = Integer.MIN_VALUE;

    private final HakuConfig config;
    private final boolean runnerIsRoot;
    private final ScopeCommands commands;
    private final Path exitDir;
    /** Tasks paused with SIGSTOP because the unit cannot be frozen (cgroup v1): resume must SIGCONT them. */
    private final Set<Long> stoppedBySignal = ConcurrentHashMap.newKeySet();
    /** The sudo processes that launched our tasks (sudo mode only), see {@link #continueLauncher}. */
    private final Map<Long, Process> launchers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "systemd-scope-poller");
        t.setDaemon(true);
        return t;
    });

    public SystemdScopeBackend(HakuConfig config) {
        this(config, UnixUsers.isRoot());
    }

    SystemdScopeBackend(HakuConfig config, boolean runnerIsRoot) {
        this.config = config;
        this.runnerIsRoot = runnerIsRoot;
        this.commands = new ScopeCommands(!runnerIsRoot);
        this.exitDir = config.runnerStateDir().resolve("scope-exit");
    }

    @Override public String name() { return "systemd"; }

    @Override
    public Availability fingerprint() {
        if (!HostInfo.systemdIsPid1()) return Availability.no("systemd is not PID 1 on this node (/run/systemd/system missing)");
        if (!Files.isExecutable(Path.of(ScopeCommands.systemdRunPath()))) return Availability.no("systemd-run not found");
        try {
            taskUser();
        } catch (IllegalStateException e) {
            return Availability.no(e.getMessage());
        }
        return Availability.ok();
    }

    /** Resolves environment.runner_user (empty = the Runner's own account) and applies the root policy. */
    UnixUsers.Account taskUser() {
        String configured = config.environment().runnerUser().trim();
        if (configured.isEmpty()) {
            if (runnerIsRoot && !config.runner().allowRootTasks()) {
                throw new IllegalStateException("Refusing to run tasks as root: the Runner runs as root and"
                        + " environment.runner_user is empty. Set runner_user = \"<account>\" in the Runner's config"
                        + " (or runner.allow_root_tasks = true to accept root tasks).");
            }
            int uid = UnixUsers.currentUid();
            return UnixUsers.byUid(uid).orElse(new UnixUsers.Account(UnixUsers.currentUserName(), uid,
                    UnixUsers.currentGid(), System.getProperty("user.home")));
        }
        return UnixUsers.byName(configured).orElseThrow(() -> new IllegalStateException(
                "environment.runner_user '" + configured + "' is not an account on this node (not in /etc/passwd)"));
    }

    @Override
    public RunningTask start(TaskSpec spec) throws Exception {
        if (spec.command() == null || spec.command().isBlank()) throw new IllegalArgumentException("empty command");
        UnixUsers.Account user;
        try {
            user = taskUser();
        } catch (IllegalStateException e) {
            return new RunningTask(spec.taskId(), name(), "", CompletableFuture.completedFuture(TaskOutcome.launchFailed(e.getMessage())));
        }
        if (user.uid() == 0 && config.environment().runnerUser().isBlank()) {
            log.warn("Task {} runs as root (runner.allow_root_tasks = true)", spec.taskId());
        }
        Map<String, String> env = taskEnv(spec, user);
        Optional<String> program = ProgramLookup.resolve(spec.command(), env.get("PATH"), spec.workDir());
        if (program.isEmpty()) return ProgramLookup.notFound(spec, name(), env.get("PATH"));
        Files.createDirectories(exitDir);
        Path exitFile = exitDir.resolve(spec.taskId() + ".exit");
        Files.deleteIfExists(exitFile);
        Files.createFile(exitFile);
        handOver(exitFile, user);
        for (Path p : List.of(spec.stdoutFile(), spec.stderrFile())) Files.createDirectories(p.toAbsolutePath().getParent());

        List<String> taskArgv = new ArrayList<>();
        if (spec.numaNode() != null) {
            String numactl = config.paths().numactlPath().isBlank() ? "numactl" : config.paths().numactlPath();
            taskArgv.addAll(List.of(numactl, "--cpunodebind=" + spec.numaNode(), "--membind=" + spec.numaNode(), "--"));
        }
        taskArgv.add(program.get()); // an absolute path: the wrapper's shell never runs a builtin of that name
        taskArgv.addAll(spec.arguments());

        List<String> argv = commands.launch(new ScopeCommands.Launch(spec.taskId(), spec.cores(), spec.memoryBytes(),
                env, user.uid(), user.gid(), exitFile, taskArgv,
                spec.gpus().stream().map(AssignedGpu::devicePath).toList()));
        ProcessBuilder pb = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(spec.stdoutFile().toFile())
                .redirectError(spec.stderrFile().toFile());
        if (spec.workDir() != null && Files.isDirectory(spec.workDir())) pb.directory(spec.workDir().toFile());
        // systemd-run's own environment: nothing of the Runner's (its secrets must not reach tasks).
        pb.environment().clear();
        pb.environment().put("PATH", MINIMAL_PATH);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            Files.deleteIfExists(exitFile);
            return new RunningTask(spec.taskId(), name(), "", CompletableFuture.completedFuture(
                    TaskOutcome.launchFailed("Cannot start systemd-run for task " + spec.taskId() + ": " + e.getMessage())));
        }
        String handle = ScopeCommands.unitName(spec.taskId()) + "|" + exitFile;
        if (!runnerIsRoot) {
            launchers.put(spec.taskId(), process);
            process.onExit().thenRun(() -> launchers.remove(spec.taskId()));
        }
        CompletableFuture<TaskOutcome> done = process.onExit().thenApply(p -> outcome(spec.taskId(), exitFile, p.exitValue()));
        log.info("Task {} started as {} (user {}, CPUQuota {}, MemoryMax {}, GPUs {})", spec.taskId(), ScopeCommands.unitName(spec.taskId()),
                user.name(), spec.cores() > 0 ? spec.cores() * 100 + "%" : "none", spec.hasMemoryLimit() ? spec.memoryBytes() : "none",
                spec.gpus().isEmpty() ? "none" : GpuEnvironment.ids(spec.gpus()));
        return new RunningTask(spec.taskId(), name(), handle, done);
    }

    /** A minimal environment plus the task's variables (task values win, HAKURIVER_* come from the Runner). */
    static Map<String, String> taskEnv(TaskSpec spec, UnixUsers.Account user) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", MINIMAL_PATH);
        env.put("HOME", user.home() == null || user.home().isBlank() ? "/" : user.home());
        env.put("USER", user.name());
        env.put("LOGNAME", user.name());
        env.put("LANG", "C.UTF-8");
        env.putAll(spec.env());
        env.putAll(GpuEnvironment.bare(spec.gpus())); // after the task's own: it cannot widen them
        return env;
    }

    /** The wrapper writes the exit file as the task user. */
    private void handOver(Path exitFile, UnixUsers.Account user) throws IOException {
        if (user.uid() == UnixUsers.currentUid()) return;
        if (runnerIsRoot) {
            var lookup = exitFile.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(exitFile, lookup.lookupPrincipalByName(user.name()));
        } else {
            Files.setPosixFilePermissions(exitFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        }
    }

    private TaskOutcome outcome(long taskId, Path exitFile, int launcherExit) {
        stoppedBySignal.remove(taskId);
        Optional<int[]> recorded = readExitFile(exitFile);
        try {
            Files.deleteIfExists(exitFile);
        } catch (IOException e) {
            log.debug("cannot delete {}: {}", exitFile, e.toString());
        }
        if (recorded.isPresent()) {
            int code = recorded.get()[0];
            int oomKills = recorded.get()[1];
            if (oomKills > 0) {
                return TaskOutcome.oom(code == 0 ? 137 : code, "Killed by the out-of-memory killer: the task exceeded its"
                        + " memory limit (MemoryMax of " + ScopeCommands.unitName(taskId) + ").");
            }
            return TaskOutcome.exited(code);
        }
        if (launcherExit == 137 || launcherExit == 128 + 9) {
            return new TaskOutcome(137, false, "Task killed (SIGKILL) before it reported an exit status.");
        }
        if (launcherExit == UNKNOWN) return new TaskOutcome(null, false, "Task ended while the Runner was away; its exit status is unknown.");
        return new TaskOutcome(launcherExit, false, "systemd-run failed with exit code " + launcherExit
                + " before the task reported an exit status (see the task's stderr for systemd-run's message).");
    }

    static Optional<int[]> readExitFile(Path exitFile) {
        try {
            String s = Files.readString(exitFile, StandardCharsets.US_ASCII).trim();
            if (s.isEmpty()) return Optional.empty();
            String[] f = s.split("\\s+");
            return Optional.of(new int[]{Integer.parseInt(f[0]), f.length > 1 ? Integer.parseInt(f[1]) : 0});
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public void kill(RunningTask task) throws Exception {
        long id = task.taskId();
        if (!isLoaded(id)) return;
        CommandResult r = run(commands.signal(id, "SIGKILL"));
        if (!r.ok() && isLoaded(id)) throw new IOException("systemctl kill " + ScopeCommands.unitName(id) + " failed: " + r.output());
        // SIGKILL stays pending on frozen (cgroup v1 freezer) processes until they are thawed.
        run(commands.thaw(id));
        stoppedBySignal.remove(id);
        continueLauncher(id);
    }

    @Override
    public void pause(RunningTask task) throws Exception {
        long id = task.taskId();
        CommandResult frozen = run(commands.freeze(id));
        if (frozen.ok()) return;
        // systemd 252 on cgroup v1 answers "does not support freezing": stop every process of the unit instead.
        log.debug("freeze of {} unavailable ({}); sending SIGSTOP to the unit", ScopeCommands.unitName(id), frozen.output());
        CommandResult stopped = run(commands.signal(id, "SIGSTOP"));
        if (!stopped.ok()) throw new IOException("Cannot pause " + ScopeCommands.unitName(id) + ": " + stopped.output());
        stoppedBySignal.add(id);
    }

    @Override
    public void resume(RunningTask task) throws Exception {
        long id = task.taskId();
        if (stoppedBySignal.remove(id)) {
            CommandResult r = run(commands.signal(id, "SIGCONT"));
            continueLauncher(id);
            if (!r.ok()) throw new IOException("Cannot resume " + ScopeCommands.unitName(id) + ": " + r.output());
            return;
        }
        CommandResult thawed = run(commands.thaw(id));
        // After a Runner restart we do not know how the task was paused: SIGCONT is harmless on running processes.
        CommandResult cont = run(commands.signal(id, "SIGCONT"));
        if (!thawed.ok() && !cont.ok()) throw new IOException("Cannot resume " + ScopeCommands.unitName(id) + ": " + cont.output());
    }

    /**
     * sudo mimics job control: when the task it started is stopped (SIGSTOP pause), sudo stops itself, and it stays
     * stopped after the task is continued or killed, so it would never reap the task nor exit. sudo runs as root, but
     * SIGCONT may be sent to any process of the same session (kill(2)), so the Runner continues it itself.
     */
    private void continueLauncher(long taskId) {
        Process launcher = launchers.get(taskId);
        if (launcher == null || !launcher.isAlive()) return;
        CommandResult r = run(List.of("kill", "-CONT", Long.toString(launcher.pid())));
        if (!r.ok()) log.warn("Cannot continue sudo (pid {}) of task {}: {}", launcher.pid(), taskId, r.output());
    }

    @Override
    public Optional<RunningTask> recover(long taskId, String handle) throws Exception {
        Path exitFile = exitFileOf(taskId, handle);
        boolean alive = isActive(taskId);
        if (!alive && readExitFile(exitFile).isEmpty()) {
            Files.deleteIfExists(exitFile);
            return Optional.empty();
        }
        CompletableFuture<TaskOutcome> done = new CompletableFuture<>();
        if (!alive) {
            done.complete(outcome(taskId, exitFile, UNKNOWN));
        } else {
            log.info("Re-attached to running {}", ScopeCommands.unitName(taskId));
            var future = poller.scheduleWithFixedDelay(() -> {
                if (!isActive(taskId)) done.complete(outcome(taskId, exitFile, UNKNOWN));
            }, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
            done.whenComplete((o, e) -> future.cancel(false));
        }
        return Optional.of(new RunningTask(taskId, name(), ScopeCommands.unitName(taskId) + "|" + exitFile, done));
    }

    /** Scopes of this Runner still on the node: those with an exit file in this Runner's state directory. */
    @Override
    public Map<Long, String> discover(String runnerName) throws Exception {
        Map<Long, String> found = new HashMap<>();
        CommandResult r = run(commands.listTaskScopes());
        for (String line : r.output().split("\n")) {
            String unit = line.trim().split("\\s+")[0];
            if (!unit.startsWith(ScopeCommands.UNIT_PREFIX) || !unit.endsWith(".scope")) continue;
            try {
                long id = Long.parseLong(unit.substring(ScopeCommands.UNIT_PREFIX.length(), unit.length() - ".scope".length()));
                Path exitFile = exitDir.resolve(id + ".exit");
                if (Files.exists(exitFile)) found.put(id, unit + "|" + exitFile);
            } catch (NumberFormatException ignored) { }
        }
        return found;
    }

    private Path exitFileOf(long taskId, String handle) {
        int bar = handle == null ? -1 : handle.indexOf('|');
        return bar >= 0 ? Path.of(handle.substring(bar + 1)) : exitDir.resolve(taskId + ".exit");
    }

    private boolean isActive(long taskId) {
        String state = property(taskId, "ActiveState");
        return state.equals("active") || state.equals("activating") || state.equals("deactivating") || state.equals("reloading");
    }

    private boolean isLoaded(long taskId) { return property(taskId, "LoadState").equals("loaded"); }

    private String property(long taskId, String name) {
        CommandResult r = run(commands.show(taskId, name));
        for (String line : r.output().split("\n")) {
            if (line.startsWith(name + "=")) return line.substring(name.length() + 1).trim();
        }
        return "";
    }

    record CommandResult(int exit, String output) {
        boolean ok() { return exit == 0; }
    }

    static CommandResult run(List<String> argv) {
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().clear();
            pb.environment().put("PATH", MINIMAL_PATH);
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new CommandResult(-1, "timed out: " + String.join(" ", argv));
            }
            return new CommandResult(p.exitValue(), new String(out, StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            return new CommandResult(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new CommandResult(-1, "interrupted");
        }
    }
}
