package io.hakuriver.systemd;

import io.hakuriver.config.ConfigLoader;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.systemd.UnitFileGenerator.Options;
import io.hakuriver.systemd.UnitFileGenerator.Role;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a config file and the flags of {@code hakuriver.init service} into unit {@link Options}: resolves the
 * absolute config path (and refuses a missing one), reads shared_dir/db_file/port from it exactly as the daemon will,
 * and collects warnings the user should read before installing.
 */
public final class ServiceSetup {

    /** The flags that shape the unit text (not where it is written). */
    public record Flags(boolean socket, boolean sdNotify, Integer watchdogSec, Path envFile, boolean harden, boolean docker,
                        String cpuQuota, String memoryMax) {}

    /** Facts about the invoking process. */
    public record Invoker(Path java, Path jar, String user, String group, String pathEnv, Path home) {}

    public record Result(Options options, HakuConfig config, List<String> warnings) {}

    private ServiceSetup() {}

    /** Absolute form of a config path; a missing file is the guide's "Configuration file not found" error. */
    public static Path requireConfig(Path config) {
        Path abs = config.toAbsolutePath().normalize();
        if (!Files.isRegularFile(abs)) {
            throw new IllegalArgumentException("Configuration file not found: " + abs
                    + ". Create it with 'hakuriver.init config --path " + abs + "' or pass an existing file with --config.");
        }
        return abs;
    }

    /**
     * A config written by root (hakuriver.init config writes 0600: it may hold the token) that a unit running as
     * {@code user} could not read; null when it can.
     */
    static String unreadableBy(Path config, String user) {
        try {
            String owner = Files.getOwner(config).getName();
            if (user == null || user.equals("root") || owner.equals(user)) return null;
            var perms = Files.getPosixFilePermissions(config);
            if (perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)) return null;
            return "Config file " + config + " belongs to " + owner + " and is not readable by others, but the unit runs as "
                    + user + ": run 'sudo chown " + user + " " + config + "' (keep it mode 0600: it may hold the token).";
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    public static Result prepare(Role role, Path config, Flags flags, Invoker inv) {
        Path abs = requireConfig(config);
        List<String> warnings = new ArrayList<>();
        // Load as the service will: its own ~/.hakuriver layer (systemd sets HOME for User=) and this file,
        // without the invoking shell's $HAKURIVER_CONFIG, which the unit does not carry.
        HakuConfig cfg = new ConfigLoader(inv.home(), Map.of(), warnings::add).load(abs);
        for (var rel : List.of(Map.entry("paths.shared_dir", cfg.paths().sharedDir()),
                Map.entry("paths.local_temp_dir", cfg.paths().localTempDir()), Map.entry("database.db_file", cfg.database().dbFile()))) {
            boolean used = rel.getKey().equals("paths.shared_dir")
                    || (role == Role.HOST ? rel.getKey().equals("database.db_file") && !cfg.database().postgres()
                        : rel.getKey().equals("paths.local_temp_dir"));
            if (used && !rel.getValue().startsWith("/")) {
                warnings.add(abs + ": " + rel.getKey() + " = \"" + rel.getValue() + "\" is relative; under systemd it"
                        + " resolves against WorkingDirectory, not against this directory. Use an absolute path.");
            }
        }
        String unreadable = unreadableBy(abs, inv.user());
        if (unreadable != null) warnings.add(unreadable);
        Path workDir = cfg.sharedDir();
        if (!Files.isDirectory(workDir)) {
            warnings.add("WorkingDirectory " + workDir + " (paths.shared_dir) does not exist yet: create it before"
                    + " starting the service (mkdir -p " + workDir + "), or systemd fails with status=200/CHDIR.");
        }
        if (flags.envFile() != null && !Files.isRegularFile(flags.envFile())) {
            warnings.add("EnvironmentFile " + flags.envFile() + " does not exist yet: systemd refuses to start the unit until it does.");
        }
        List<Path> writable = new ArrayList<>();
        if (role == Role.HOST) {
            if (!cfg.database().postgres()) writable.add(cfg.dbFile().getParent()); // PostgreSQL: no local database file
            writable.add(workDir);
        } else {
            writable.add(workDir);
            writable.add(cfg.localTempDir());
            writable.add(cfg.runnerStateDir());
        }
        List<Path> rw = flags.harden() ? minimal(writable) : List.of();
        if (flags.harden()) {
            for (Path p : rw) {
                if (!Files.isDirectory(p)) warnings.add("ReadWritePaths " + p + " does not exist yet: create it before starting"
                        + " (systemd fails with status=226/NAMESPACE otherwise).");
            }
        }
        boolean sudo = !inv.user().equals("root");
        Options o = new Options(inv.java(), inv.jar(), abs, inv.user(), inv.group(), workDir, cleanPath(inv.pathEnv()),
                flags.socket() && role == Role.HOST, flags.sdNotify(), flags.watchdogSec(), flags.envFile(), flags.harden(),
                flags.docker() && role == Role.RUNNER, flags.cpuQuota(), flags.memoryMax(), rw,
                listen(cfg.network().hostBindIp(), cfg.network().hostPort()), sudo);
        String refusal = UnitFileGenerator.noNewPrivilegesRefusal(o, role);
        if (refusal != null) warnings.add(refusal);
        return new Result(o, cfg, warnings);
    }

    /** PATH without empty or relative entries (the original wrote "::", i.e. the working directory), deduplicated. */
    public static String cleanPath(String path) {
        Set<String> out = new LinkedHashSet<>();
        if (path != null) {
            for (String e : path.split(":")) if (e.startsWith("/")) out.add(e);
        }
        return out.isEmpty() ? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" : String.join(":", out);
    }

    /** ListenStream= for host_bind_ip/host_port: a bare port listens on every address (IPv4 and IPv6). */
    static String listen(String bindIp, int port) {
        if (bindIp == null || bindIp.isBlank() || bindIp.equals("0.0.0.0") || bindIp.equals("::")) return Integer.toString(port);
        return bindIp.contains(":") ? "[" + bindIp + "]:" + port : bindIp + ":" + port;
    }

    /** Drops paths already covered by another listed path (ReadWritePaths= applies to sub-trees). */
    static List<Path> minimal(List<Path> paths) {
        List<Path> sorted = new ArrayList<>(new LinkedHashSet<>(paths));
        List<Path> out = new ArrayList<>();
        for (Path p : sorted) {
            boolean covered = false;
            for (Path q : sorted) if (!q.equals(p) && p.startsWith(q)) covered = true;
            if (!covered) out.add(p);
        }
        return out;
    }
}
