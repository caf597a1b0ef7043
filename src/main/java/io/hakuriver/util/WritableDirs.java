package io.hakuriver.util;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Start-up check that a daemon can write where it must. Under systemd hardening (ProtectSystem=strict,
 * ProtectHome=read-only) a directory left out of ReadWritePaths= is read-only: without this check the Host fails
 * with a bare SQLITE_CANTOPEN and a Runner registers and then fails every task; with it, the daemon stops at once
 * naming the directory and the unit line that fixes it.
 */
public final class WritableDirs {
    private WritableDirs() {}

    /** The first problem found, or empty when every directory exists (created if need be) and takes a file. */
    public static Optional<String> problem(String unit, List<Path> dirs) {
        for (Path d : new LinkedHashSet<>(dirs)) {
            Optional<String> p = check(unit, d.toAbsolutePath().normalize());
            if (p.isPresent()) return p;
        }
        return Optional.empty();
    }

    /** This process's systemd unit (from /proc/self/cgroup, e.g. hakuriver-runner1.service), else {@code fallback}. */
    public static String unitName(String fallback) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                for (String part : line.split("/")) if (part.endsWith(".service")) return part;
            }
        } catch (IOException | RuntimeException ignored) { }
        return fallback;
    }

    static Optional<String> check(String unit, Path dir) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".hakuriver-write-check", ".tmp");
            Files.delete(probe);
            return Optional.empty();
        } catch (IOException e) {
            String reason = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : e.getMessage();
            return Optional.of(message(unit, dir, reason));
        }
    }

    static String message(String unit, Path dir, String reason) {
        String msg = "cannot write to " + dir + ": " + reason + ".";
        if (reason != null && reason.toLowerCase(java.util.Locale.ROOT).contains("read-only")) {
            return msg + " Under systemd hardening (ProtectSystem=strict / ProtectHome=read-only) add to the [Service] section of "
                    + unit + " (sudo systemctl edit " + unit + "):  ReadWritePaths=" + dir
                    + "   ('hakuriver.init service --harden' writes it for you).";
        }
        return msg + " Check the owner and permissions (the daemon runs as '" + System.getProperty("user.name") + "').";
    }
}
