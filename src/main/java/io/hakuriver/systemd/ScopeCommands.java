package io.hakuriver.systemd;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The exact command lines the systemd task backend runs, in one place, so that the sudoers rule printed by
 * {@code hakuriver.init service --runner} covers precisely them (and a test can check that it does).
 * Every method returns an argv array; task input only ever appears as separate argv entries.
 */
public final class ScopeCommands {
    public static final String UNIT_PREFIX = io.hakuriver.api.TaskNames.PREFIX;

    /**
     * Runs inside the scope, as the task user. It runs the task as a child, then records "exit-code oom-kills" in the
     * exit file ($0) while the scope's cgroup still exists: the Runner reads it after the scope is gone (also after a
     * Runner restart), and the OOM-kill counter of the scope's memory cgroup (v1 memory.oom_control, v2
     * memory.events) tells a MemoryMax kill from any other SIGKILL. Constant text: task data arrive as "$@".
     */
    public static final String WRAPPER = String.join("; ",
            "\"$@\"",
            "rc=$?",
            "oom=",
            "c1=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)",
            "c2=$(sed -n 's/^0:://p' /proc/self/cgroup)",
            "for f in \"/sys/fs/cgroup/memory$c1/memory.oom_control\" \"/sys/fs/cgroup$c2/memory.events\"; do"
                    + " if [ -r \"$f\" ]; then oom=$(sed -n 's/^oom_kill //p' \"$f\"); [ -n \"$oom\" ] && break; fi; done",
            "echo \"$rc ${oom:-0}\" > \"$0\"",
            "exit \"$rc\"");

    private final boolean sudo;
    private final String systemdRun;
    private final String systemctl;

    /** @param sudo prepend {@code sudo -n} (the Runner is not root) */
    public ScopeCommands(boolean sudo) {
        this(sudo, locate("systemd-run"), locate("systemctl"));
    }

    ScopeCommands(boolean sudo, String systemdRun, String systemctl) {
        this.sudo = sudo;
        this.systemdRun = systemdRun;
        this.systemctl = systemctl;
    }

    /** Absolute path of a systemd tool: the one sudoers must name. */
    static String locate(String tool) {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/local/bin")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) return p.toString();
        }
        return "/usr/bin/" + tool;
    }

    public static String systemdRunPath() { return locate("systemd-run"); }

    public static String unitName(long taskId) { return io.hakuriver.api.TaskNames.scope(taskId); }

    /**
     * The device nodes a task with GPUs needs besides its GPUs' own: the driver's control device, unified memory
     * (CUDA) and mode setting. Those that do not exist on a node are skipped by systemd with a warning.
     */
    public static final List<String> NVIDIA_CONTROL_DEVICES = List.of("/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools", "/dev/nvidia-modeset");

    /** Limits and identity of one launch; {@code gpuDevices} are the /dev/nvidiaN nodes of the task's GPUs. */
    public record Launch(long taskId, int cores, Long memoryBytes, Map<String, String> env,
                         int uid, int gid, Path exitFile, List<String> taskArgv, List<String> gpuDevices) {
        public Launch {
            gpuDevices = gpuDevices == null ? List.of() : List.copyOf(gpuDevices);
        }

        /** A launch without GPUs. */
        public Launch(long taskId, int cores, Long memoryBytes, Map<String, String> env, int uid, int gid, Path exitFile, List<String> taskArgv) {
            this(taskId, cores, memoryBytes, env, uid, gid, exitFile, taskArgv, List.of());
        }
    }

    /**
     * {@code [sudo -n] systemd-run --scope --collect --quiet --unit=hakuriver-task-<id> --description=HakuRiver Task <id>
     * [-p CPUQuota=N%] [-p MemoryMax=B -p MemorySwapMax=0] [-p DevicePolicy=closed -p "DeviceAllow=/dev/nvidiaN rw"...]
     * --setenv=K=V... -- setpriv --reuid=U --regid=G --init-groups
     * -- /bin/sh -c WRAPPER <exit-file> <task argv...>}.
     * <p>Why setpriv and not {@code --uid/--gid}: systemd-run's --uid/--gid for a scope keep the caller's supplementary
     * groups (root's group 0 stays, measured under systemd 252); setpriv --init-groups sets exactly the user's groups.
     * Why --setenv: sudo resets the environment, and the task must get only what we choose (no Runner secrets).
     * Device rules only for a task with GPUs: "closed" keeps the pseudo devices (/dev/null, /dev/pts…) and adds only
     * the listed ones, so the task can open its own GPUs and the driver's control devices but no other GPU.
     */
    public List<String> launch(Launch l) {
        List<String> a = prefix();
        a.add(systemdRun);
        a.add("--scope");
        a.add("--collect");
        a.add("--quiet");
        a.add("--unit=" + UNIT_PREFIX + l.taskId());
        a.add("--description=HakuRiver Task " + l.taskId());
        if (l.cores() > 0) a.add("--property=CPUQuota=" + (l.cores() * 100) + "%");
        if (l.memoryBytes() != null && l.memoryBytes() > 0) {
            a.add("--property=MemoryMax=" + l.memoryBytes());
            a.add("--property=MemorySwapMax=0");
        }
        if (!l.gpuDevices().isEmpty()) {
            a.add("--property=DevicePolicy=closed");
            for (String dev : l.gpuDevices()) a.add("--property=DeviceAllow=" + dev + " rw");
            for (String dev : NVIDIA_CONTROL_DEVICES) a.add("--property=DeviceAllow=" + dev + " rw");
        }
        l.env().forEach((k, v) -> a.add("--setenv=" + k + "=" + v));
        a.add("--");
        a.add("setpriv");
        a.add("--reuid=" + l.uid());
        a.add("--regid=" + l.gid());
        a.add("--init-groups");
        a.add("--");
        a.add("/bin/sh");
        a.add("-c");
        a.add(WRAPPER);
        a.add(l.exitFile().toString());
        a.addAll(l.taskArgv());
        return a;
    }

    public List<String> signal(long taskId, String signal) {
        List<String> a = prefix();
        a.addAll(List.of(systemctl, "kill", "--signal=" + signal, unitName(taskId)));
        return a;
    }

    public List<String> freeze(long taskId) { return ctl("freeze", taskId); }

    public List<String> thaw(long taskId) { return ctl("thaw", taskId); }

    /** Read-only queries need no privileges: never prefixed with sudo. */
    public List<String> show(long taskId, String... properties) {
        List<String> a = new ArrayList<>(List.of(systemctl, "show", unitName(taskId)));
        for (String p : properties) a.add("--property=" + p);
        return a;
    }

    public List<String> listTaskScopes() {
        return List.of(systemctl, "list-units", "--type=scope", "--all", "--plain", "--no-legend", "--no-pager", UNIT_PREFIX + "*");
    }

    private List<String> ctl(String verb, long taskId) {
        List<String> a = prefix();
        a.addAll(List.of(systemctl, verb, unitName(taskId)));
        return a;
    }

    private List<String> prefix() {
        List<String> a = new ArrayList<>();
        if (sudo) { a.add("sudo"); a.add("-n"); }
        return a;
    }

    /**
     * The sudoers lines a non-root Runner needs: exactly the privileged command lines above, with "*" only where
     * the task id (and, for systemd-run, the rest of the line) goes. Note that running systemd-run as root is
     * root-equivalent whatever the rule says; use it only for a trusted Runner account (see docs/systemd.md).
     */
    public static List<String> sudoersLines(String runnerAccount) {
        ScopeCommands c = new ScopeCommands(false);
        String u = UNIT_PREFIX + "*.scope";
        List<String> cmds = List.of(
                c.systemdRun + " " + sudoersArgs("--scope --collect --quiet --unit=" + UNIT_PREFIX + "* --description=HakuRiver Task *"),
                c.systemctl + " " + sudoersArgs("kill --signal=SIGKILL " + u),
                c.systemctl + " " + sudoersArgs("kill --signal=SIGSTOP " + u),
                c.systemctl + " " + sudoersArgs("kill --signal=SIGCONT " + u),
                c.systemctl + " " + sudoersArgs("freeze " + u),
                c.systemctl + " " + sudoersArgs("thaw " + u));
        return List.of(
                // use_pty (Debian's default) would put tasks on a pty owned by sudo: a Runner restart would then
                // hang up the task and lose its output.
                "Defaults:" + runnerAccount + " !use_pty",
                runnerAccount + " ALL=(root) NOPASSWD: " + String.join(", ", cmds));
    }

    /** sudoers(5): ',', ':', '=' and '\\' in command arguments must be escaped with a backslash. */
    static String sudoersArgs(String args) {
        return args.replace("\\", "\\\\").replace(",", "\\,").replace(":", "\\:").replace("=", "\\=");
    }
}
