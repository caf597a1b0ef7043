package io.hakuriver.systemd;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Renders the unit files of {@code hakuriver.init service}: the user's guide's layout (Description, After=network.target,
 * Type=simple, User/Group, WorkingDirectory, absolute ExecStart, Restart=on-failure, RestartSec=5, PATH, WantedBy) plus
 * the options it recommends (socket activation, notify, watchdog, environment file, hardening, Docker dependency,
 * resource limits). Pure: every fact about the machine arrives in {@link Options}.
 */
public final class UnitFileGenerator {
    public static final String HOST_SERVICE = "hakuriver-host.service";
    public static final String HOST_SOCKET = "hakuriver-host.socket";
    public static final String RUNNER_SERVICE = "hakuriver-runner.service";
    public static final String RUNNER_TEMPLATE = "hakuriver-runner@.service";
    /** The launcher's flags (bin/jvm.options, packed into the jar): a unit starts a daemon as bin/hakuriver does. */
    private static final io.hakuriver.util.JvmOptions JVM = io.hakuriver.util.JvmOptions.load();

    private static final Pattern CPU_QUOTA = Pattern.compile("\\d+%");
    private static final Pattern MEMORY = Pattern.compile("(\\d+[KMGT]?|\\d+%|infinity)");

    public enum Role { HOST, RUNNER }

    /**
     * @param java          absolute java executable
     * @param jar           absolute hakuriver.jar
     * @param config        absolute config file passed with --config (for the template: its directory holds runner-%i.toml)
     * @param workingDir    absolute shared_dir
     * @param path          value of PATH (absolute entries only)
     * @param writablePaths what the daemon must write under --harden (DB directory, shared dir, temp dir, state dir)
     * @param listen        ListenStream= value for the socket unit (host port, or address:port)
     * @param runnerUsesSudo the Runner is not root, so its systemd task backend needs sudo (no NoNewPrivileges)
     */
    public record Options(Path java, Path jar, Path config, String user, String group, Path workingDir, String path,
                          boolean socket, boolean sdNotify, Integer watchdogSec, Path envFile, boolean harden,
                          boolean docker, String cpuQuota, String memoryMax, List<Path> writablePaths, String listen,
                          boolean runnerUsesSudo) {
        public Options {
            for (Path p : List.of(java, jar, config, workingDir)) {
                if (!p.isAbsolute()) throw new IllegalArgumentException("path must be absolute: " + p);
            }
            if (envFile != null && !envFile.isAbsolute()) throw new IllegalArgumentException("--env-file must be absolute: " + envFile);
            if (watchdogSec != null && (watchdogSec < 1 || watchdogSec > 3600)) {
                throw new IllegalArgumentException("--watchdog must be between 1 and 3600 seconds, got " + watchdogSec);
            }
            if (cpuQuota != null && !CPU_QUOTA.matcher(cpuQuota).matches()) {
                throw new IllegalArgumentException("--cpu-quota must be a percentage such as 200% (100% = one CPU), got '" + cpuQuota + "'");
            }
            if (memoryMax != null && !MEMORY.matcher(memoryMax).matches()) {
                throw new IllegalArgumentException("--memory-max must be bytes with an optional K, M, G or T suffix (1024-based),"
                        + " a percentage or 'infinity', e.g. 4G; got '" + memoryMax + "'");
            }
            if (path.isEmpty() || List.of(path.split(":", -1)).stream().anyMatch(e -> !e.startsWith("/"))) {
                throw new IllegalArgumentException("PATH must consist of absolute directories only: '" + path + "'");
            }
            writablePaths = writablePaths == null ? List.of() : List.copyOf(writablePaths);
        }

        /** Type=notify when asked for, and always with socket activation or a watchdog (both rely on sd_notify). */
        boolean notifyType(Role role) {
            return sdNotify || watchdogSec != null || (socket && role == Role.HOST);
        }
    }

    private UnitFileGenerator() {}

    public static String hostService(Options o) {
        return service(o, Role.HOST, "HakuRiver Host Server", "host", o.config().toString(), null);
    }

    public static String runnerService(Options o) {
        return service(o, Role.RUNNER, "HakuRiver Runner Agent", "runner", o.config().toString(), null);
    }

    /** {@code hakuriver-runner@NAME.service} runs a Runner with {@code <dir of config>/runner-NAME.toml}. */
    public static String runnerTemplate(Options o) {
        Path dir = o.config().getParent();
        String cfg = escapeSpecifiers(dir.resolve("runner-").toString()) + "%i.toml";
        return service(o, Role.RUNNER, "HakuRiver Runner Agent %i", "runner", null, cfg);
    }

    public static String hostSocket(Options o) {
        return "[Unit]\n"
                + "Description=HakuRiver Host Socket\n"
                + "\n[Socket]\n"
                + "ListenStream=" + o.listen() + "\n"
                + "Accept=no\n"
                + "\n[Install]\n"
                + "WantedBy=sockets.target\n";
    }

    /** Why NoNewPrivileges= is left out of a hardened Runner unit, or null when it is not. */
    public static String noNewPrivilegesRefusal(Options o, Role role) {
        if (role == Role.RUNNER && o.harden() && o.runnerUsesSudo()) {
            return "NoNewPrivileges=true left out of the Runner unit: the Runner runs as '" + o.user()
                    + "' and starts systemd-scope tasks through sudo, which NoNewPrivileges would forbid.";
        }
        return null;
    }

    private static String service(Options o, Role role, String description, String subcommand, String configArg, String rawConfigArg) {
        StringBuilder u = new StringBuilder();
        u.append("[Unit]\n");
        u.append("Description=").append(description).append('\n');
        List<String> after = new ArrayList<>(List.of("network.target"));
        if (role == Role.RUNNER && o.docker()) after.add("docker.service");
        if (role == Role.HOST && o.socket()) after.add(HOST_SOCKET);
        u.append("After=").append(String.join(" ", after)).append('\n');
        // Wants=, not the guide's Requires=: with Requires= a node without a working Docker never starts its Runner,
        // although plain-process and systemd tasks need no Docker (Docker tasks then fail with a clear message).
        if (role == Role.RUNNER && o.docker()) u.append("Wants=docker.service\n");
        if (role == Role.HOST && o.socket()) u.append("Requires=").append(HOST_SOCKET).append('\n');

        u.append("\n[Service]\n");
        u.append("Type=").append(o.notifyType(role) ? "notify" : "simple").append('\n');
        u.append("User=").append(o.user()).append('\n');
        u.append("Group=").append(o.group()).append('\n');
        u.append("WorkingDirectory=").append(escapeSpecifiers(o.workingDir().toString())).append('\n');
        List<String> exec = new ArrayList<>();
        exec.add(execArg(o.java().toString()));
        exec.addAll(JVM.daemonFlags(subcommand));
        exec.add("-jar");
        exec.add(execArg(o.jar().toString()));
        exec.add(subcommand);
        exec.add("--config");
        exec.add(configArg != null ? execArg(configArg) : rawConfigArg);
        u.append("ExecStart=").append(String.join(" ", exec)).append('\n');
        u.append("Restart=on-failure\n");
        u.append("RestartSec=5\n");
        // The JVM answers SIGTERM (systemctl stop) by running its shutdown hooks and exiting with 128+15.
        u.append("SuccessExitStatus=143\n");
        // Exit status 2 = bad configuration or usage (ExitCodes.USAGE): restarting every 5 s cannot fix it.
        u.append("RestartPreventExitStatus=2\n");
        if (o.watchdogSec() != null) {
            u.append("WatchdogSec=").append(o.watchdogSec()).append('\n');
            // On a missed ping systemd sends SIGABRT; a process that cannot act on it (stopped, stuck in the kernel)
            // would otherwise get SIGKILL only after the 90 s default.
            u.append("TimeoutAbortSec=10\n");
        }
        // Runner: stopping or restarting the agent must not kill running tasks; the new agent re-attaches to them.
        if (role == Role.RUNNER) u.append("KillMode=process\n");
        u.append("Environment=\"PATH=").append(escapeQuoted(o.path())).append("\"\n");
        JVM.environment().forEach((k, v) -> u.append("Environment=\"").append(k).append('=').append(escapeQuoted(v)).append("\"\n"));
        if (o.envFile() != null) u.append("EnvironmentFile=").append(escapeSpecifiers(o.envFile().toString())).append('\n');
        if (o.cpuQuota() != null) u.append("CPUQuota=").append(o.cpuQuota()).append('\n');
        if (o.memoryMax() != null) u.append("MemoryMax=").append(o.memoryMax()).append('\n');
        if (o.harden()) {
            u.append("ProtectSystem=strict\n");
            u.append("ProtectHome=read-only\n");
            u.append("PrivateTmp=true\n");
            if (noNewPrivilegesRefusal(o, role) == null) u.append("NoNewPrivileges=true\n");
            Set<String> rw = new LinkedHashSet<>();
            for (Path p : o.writablePaths()) rw.add(escapeSpecifiers(p.toString()));
            if (!rw.isEmpty()) u.append("ReadWritePaths=").append(String.join(" ", rw)).append('\n');
        }
        u.append("\n[Install]\n");
        u.append("WantedBy=multi-user.target\n");
        return u.toString();
    }

    /** systemd expands %-specifiers in most settings: a literal % must be doubled. */
    static String escapeSpecifiers(String s) { return s.replace("%", "%%"); }

    /** Inside "..." in Environment=: backslash and double quote are escaped, % doubled. */
    static String escapeQuoted(String s) { return escapeSpecifiers(s.replace("\\", "\\\\").replace("\"", "\\\"")); }

    /** One ExecStart= word: %-specifiers and $-variables escaped, quoted when it contains blanks or quotes. */
    static String execArg(String s) {
        String e = escapeSpecifiers(s).replace("$", "$$");
        if (e.matches("[^\\s\"'\\\\;]+")) return e;
        return "\"" + e.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
