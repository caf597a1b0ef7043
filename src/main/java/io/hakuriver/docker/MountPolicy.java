package io.hakuriver.docker;

import io.hakuriver.config.HakuConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which bind mounts a Docker task may have (spec S3). A mount is {@code host_path:container_path[:ro|:rw]}, both
 * absolute. Without {@code docker.allow_dangerous_mounts} the host root, the Docker socket and the directories
 * that contain it are refused (each is root on the node); with {@code docker.allowed_mount_prefixes} set, host paths
 * must lie under one of them. The Host calls {@link #validate} at submit time (4xx early); the Runner calls
 * {@link #validateOnNode}, which also resolves symbolic links, right before it starts the container.
 */
public final class MountPolicy {
    /** Paths whose mounting gives the task control of the node or of its Docker engine. */
    private static final Set<Path> DANGEROUS = Set.of(Path.of("/"), Path.of("/var"), Path.of("/run"), Path.of("/var/run"),
            Path.of("/var/run/docker.sock"), Path.of("/run/docker.sock"), Path.of("/var/lib/docker"), Path.of("/proc"),
            Path.of("/sys"), Path.of("/dev"), Path.of("/etc"), Path.of("/boot"));
    /** Container paths the backend itself mounts or that would break the container. */
    private static final Set<Path> RESERVED_TARGETS = Set.of(Path.of("/"), Path.of("/shared"), Path.of("/local_temp"),
            Path.of("/proc"), Path.of("/sys"), Path.of("/dev"));

    /** A parsed mount. */
    public record Mount(Path hostPath, Path containerPath, boolean readOnly) {
        public String spec() { return hostPath + ":" + containerPath + (readOnly ? ":ro" : ""); }
    }

    private MountPolicy() {}

    /** Checks and normalises mounts ("host:container[:ro]"); throws IllegalArgumentException naming the bad entry. */
    public static List<String> validate(List<String> mounts, HakuConfig.Docker cfg) {
        List<String> out = new ArrayList<>();
        for (Mount m : parseAll(mounts, cfg)) out.add(m.spec());
        return out;
    }

    /** Parses and checks every mount. */
    public static List<Mount> parseAll(List<String> mounts, HakuConfig.Docker cfg) {
        List<Mount> out = new ArrayList<>();
        if (mounts == null) return out;
        for (String raw : mounts) {
            Mount m = parse(raw);
            check(m, raw, cfg);
            out.add(m);
        }
        return out;
    }

    /** Like {@link #parseAll}, then resolves symbolic links of existing host paths and checks the real path again. */
    public static List<Mount> validateOnNode(List<String> mounts, HakuConfig.Docker cfg) {
        List<Mount> out = new ArrayList<>();
        for (Mount m : parseAll(mounts, cfg)) {
            Path real = m.hostPath();
            if (Files.exists(real)) {
                try { real = real.toRealPath(); } catch (IOException e) { throw new IllegalArgumentException("Cannot resolve mount source " + m.hostPath() + ": " + e.getMessage()); }
            }
            Mount resolved = new Mount(real, m.containerPath(), m.readOnly());
            check(resolved, m.spec() + " (resolves to " + real + ")", cfg);
            out.add(resolved);
        }
        return out;
    }

    static Mount parse(String raw) {
        if (raw == null || raw.isBlank()) throw new IllegalArgumentException("Empty mount entry: use \"host_path:container_path[:ro]\".");
        String s = raw.trim();
        for (char c : s.toCharArray())
            if (c < 0x20 || c == ',') throw new IllegalArgumentException("Invalid mount '" + raw + "': commas and control characters are not allowed.");
        String[] parts = s.split(":", -1);
        if (parts.length < 2 || parts.length > 3)
            throw new IllegalArgumentException("Invalid mount '" + raw + "': expected \"host_path:container_path\" or \"host_path:container_path:ro\".");
        boolean ro = false;
        if (parts.length == 3) {
            if (parts[2].equals("ro")) ro = true;
            else if (!parts[2].equals("rw")) throw new IllegalArgumentException("Invalid mount '" + raw + "': the third field must be 'ro' or 'rw', not '" + parts[2] + "'.");
        }
        return new Mount(absolute(parts[0], "host", raw), absolute(parts[1], "container", raw), ro);
    }

    private static Path absolute(String p, String which, String raw) {
        if (!p.startsWith("/")) throw new IllegalArgumentException("Invalid mount '" + raw + "': the " + which + " path must be absolute.");
        for (String seg : p.split("/")) {
            if (seg.equals("..")) throw new IllegalArgumentException("Invalid mount '" + raw + "': '..' is not allowed in the " + which + " path.");
        }
        return Path.of(p).normalize();
    }

    private static void check(Mount m, String raw, HakuConfig.Docker cfg) {
        if (RESERVED_TARGETS.contains(m.containerPath()))
            throw new IllegalArgumentException("Mount '" + raw + "' targets " + m.containerPath() + ", which is reserved (HakuRiver mounts /shared and /local_temp itself).");
        if (!cfg.allowDangerousMounts()) {
            for (Path d : DANGEROUS) {
                // The path itself, or a parent of the Docker socket (mounting /var/run exposes docker.sock).
                if (m.hostPath().equals(d) || (d.getFileName() != null && d.getFileName().toString().equals("docker.sock") && d.startsWith(m.hostPath())))
                    throw new IllegalArgumentException("Mount '" + raw + "' exposes " + d + " of the node, which gives the task root on it; "
                            + "refused unless docker.allow_dangerous_mounts = true in the config.");
            }
        }
        List<String> prefixes = cfg.allowedMountPrefixes() == null ? List.of() : cfg.allowedMountPrefixes();
        if (!prefixes.isEmpty()) {
            boolean allowed = prefixes.stream().map(p -> Path.of(p).normalize()).anyMatch(p -> m.hostPath().startsWith(p));
            if (!allowed) throw new IllegalArgumentException("Mount '" + raw + "': host path " + m.hostPath()
                    + " is not under any of docker.allowed_mount_prefixes " + prefixes + ".");
        }
    }
}
