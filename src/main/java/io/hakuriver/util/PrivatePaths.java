package io.hakuriver.util;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Creates the Runner's own files and directories with modes that keep tasks out (tasks run as another account
 * under {@code runner_user}), and says when a secret-holding file is readable by others.
 */
public final class PrivatePaths {
    private static final Logger log = LoggerFactory.getLogger(PrivatePaths.class);

    private PrivatePaths() {}

    /** Creates {@code dir} (and parents) and sets its mode, e.g. "rwx------"; a failure is logged, not thrown. */
    public static void directory(Path dir, String mode) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("Cannot create {} with mode {}: {}", dir, mode, e.toString());
        }
    }

    /** Sets mode 0600 on an existing file (a no-op when it is missing). */
    public static void ownerOnly(Path file) {
        try {
            if (Files.exists(file)) Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("Cannot make {} private (mode 0600): {}", file, e.toString());
        }
    }

    /** Creates an empty file of mode 0600 owned by uid:gid (the Runner must be root to give it away). */
    public static void fileOwnedBy(Path file, int uid, int gid) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.setAttribute(file, "unix:uid", uid);
        Files.setAttribute(file, "unix:gid", gid);
    }

    /** True when the group or others may read the file. */
    public static boolean readableByOthers(Path file) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            return p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
