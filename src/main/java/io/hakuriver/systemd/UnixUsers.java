package io.hakuriver.systemd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Account look-ups from /etc/passwd and /etc/group (no JNI, no subprocess). Accounts that exist only in NSS
 * back-ends (LDAP, sssd) are not found; callers then fall back to numeric ids where systemd accepts them.
 */
public final class UnixUsers {
    private UnixUsers() {}

    public record Account(String name, int uid, int gid, String home) {}

    public static Optional<Account> byName(String name) { return byName(name, Path.of("/etc/passwd")); }

    static Optional<Account> byName(String name, Path passwd) {
        return read(passwd).stream().map(UnixUsers::parse).filter(a -> a != null && a.name().equals(name)).findFirst();
    }

    public static Optional<Account> byUid(int uid) {
        return read(Path.of("/etc/passwd")).stream().map(UnixUsers::parse).filter(a -> a != null && a.uid() == uid).findFirst();
    }

    public static Optional<String> groupName(int gid) { return groupName(gid, Path.of("/etc/group")); }

    static Optional<String> groupName(int gid, Path group) {
        for (String line : read(group)) {
            String[] f = line.split(":", -1);
            if (f.length >= 3 && f[2].equals(Integer.toString(gid))) return Optional.of(f[0]);
        }
        return Optional.empty();
    }

    /** Real uid/gid of this JVM (jdk.security.auth is part of every standard JDK/JRE image). */
    public static int currentUid() { return (int) new com.sun.security.auth.module.UnixSystem().getUid(); }

    public static int currentGid() { return (int) new com.sun.security.auth.module.UnixSystem().getGid(); }

    public static boolean isRoot() { return currentUid() == 0; }

    /** The invoking user's name (passwd entry of our uid, else $USER / user.name). */
    public static String currentUserName() {
        return byUid(currentUid()).map(Account::name).orElse(System.getProperty("user.name"));
    }

    /** The primary group's name, or its number when /etc/group does not list it (systemd accepts both). */
    public static String currentGroupName() {
        int gid = currentGid();
        return groupName(gid).orElse(Integer.toString(gid));
    }

    private static Account parse(String line) {
        String[] f = line.split(":", -1);
        if (f.length < 7) return null;
        try {
            return new Account(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]), f[5]);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static List<String> read(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            return List.of();
        }
    }
}
