package io.hakuriver.util;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about this machine that several parts need. */
public final class HostInfo {
    private HostInfo() {}

    public static String hostname() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            if (!h.isEmpty()) return h;
        } catch (Exception ignored) { }
        try { return InetAddress.getLocalHost().getHostName(); } catch (Exception e) { return "localhost"; }
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** True when systemd is PID 1 (the check sd_booted(3) documents). */
    public static boolean systemdIsPid1() {
        return Files.isDirectory(Path.of("/run/systemd/system"));
    }
}
