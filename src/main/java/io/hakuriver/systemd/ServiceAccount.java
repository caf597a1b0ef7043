package io.hakuriver.systemd;

import java.nio.file.Path;

/**
 * The account a generated unit runs as. `sudo hakuriver.init service --install` runs as root, but the person meant
 * their own account (whose ~/.hakuriver/config.toml they edited): under sudo it is $SUDO_USER unless --user says otherwise.
 *
 * @param note what to tell the user about the choice, or null
 */
public record ServiceAccount(String user, String group, Path home, String note) {

    public static ServiceAccount choose(String requested, boolean root, String sudoUser) {
        if (requested != null && !requested.isBlank()) return of(requested.trim(), null);
        if (root && sudoUser != null && !sudoUser.isBlank() && !sudoUser.equals("root")) {
            return of(sudoUser, "Running under sudo: the units run as '" + sudoUser + "' ($SUDO_USER); pass --user root to run them as root.");
        }
        return new ServiceAccount(UnixUsers.currentUserName(), UnixUsers.currentGroupName(),
                io.hakuriver.config.ConfigLoader.home(), null);
    }

    private static ServiceAccount of(String name, String note) {
        UnixUsers.Account a = UnixUsers.byName(name).orElseThrow(() -> new IllegalArgumentException(
                "no account '" + name + "' in /etc/passwd: create it (sudo adduser --system " + name + ") or pass another --user"));
        String group = UnixUsers.groupName(a.gid()).orElse(Integer.toString(a.gid()));
        return new ServiceAccount(a.name(), group, Path.of(a.home()), note);
    }
}
