package io.hakuriver.systemd;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Whether this machine has a docker.service unit (where systemd looks for installed units). */
public final class DockerUnit {
    private static final List<String> DIRS = List.of("/etc/systemd/system", "/run/systemd/system", "/lib/systemd/system",
            "/usr/lib/systemd/system", "/usr/local/lib/systemd/system");

    private DockerUnit() {}

    public static boolean present() {
        return DIRS.stream().anyMatch(d -> Files.exists(Path.of(d, "docker.service")));
    }
}
