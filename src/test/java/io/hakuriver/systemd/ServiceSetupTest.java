package io.hakuriver.systemd;

import io.hakuriver.systemd.UnitFileGenerator.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceSetupTest {
    @TempDir Path dir;

    ServiceSetup.Invoker inv() {
        return new ServiceSetup.Invoker(Path.of("/usr/bin/java"), Path.of("/opt/h.jar"), "alice", "staff", "/usr/bin::.:/bin:/usr/bin", dir);
    }

    static final ServiceSetup.Flags NONE = new ServiceSetup.Flags(false, false, null, null, false, false, null, null);

    @Test
    void missingConfigIsTheGuidesError() {
        assertThatThrownBy(() -> ServiceSetup.prepare(Role.HOST, dir.resolve("nope.toml"), NONE, inv()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Configuration file not found: " + dir.resolve("nope.toml"));
    }

    @Test
    void readsSharedDirAndPortFromTheGivenConfigAndWarnsAboutRelativePaths() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Path cfg = dir.resolve("host.toml");
        Files.writeString(cfg, "[network]\nhost_port = 8123\nhost_bind_ip = \"127.0.0.1\"\n[paths]\nshared_dir = \"" + shared
                + "\"\nlocal_temp_dir = \"tmp\"\n[database]\ndb_file = \"" + dir.resolve("db/c.db") + "\"\n");
        var flags = new ServiceSetup.Flags(true, false, null, null, true, false, null, null);
        var r = ServiceSetup.prepare(Role.HOST, cfg, flags, inv());
        assertThat(r.options().workingDir()).isEqualTo(shared);
        assertThat(r.options().config()).isEqualTo(cfg);
        assertThat(r.options().listen()).isEqualTo("127.0.0.1:8123");
        assertThat(r.options().path()).isEqualTo("/usr/bin:/bin");
        assertThat(r.options().writablePaths()).containsExactly(dir.resolve("db"), shared);
        assertThat(r.warnings()).anyMatch(w -> w.contains("ReadWritePaths " + dir.resolve("db") + " does not exist"));
        assertThat(r.warnings()).noneMatch(w -> w.contains("local_temp_dir")); // the Host does not use it
        var runner = ServiceSetup.prepare(Role.RUNNER, cfg, flags, inv());
        assertThat(runner.warnings()).anyMatch(w -> w.contains("paths.local_temp_dir = \"tmp\" is relative"));
        assertThat(runner.warnings()).anyMatch(w -> w.contains("NoNewPrivileges"));
        assertThat(runner.options().socket()).isFalse();
    }

    @Test
    void pathsAndListenAddresses() {
        assertThat(ServiceSetup.cleanPath("::/a:rel:/b:/a:")).isEqualTo("/a:/b");
        assertThat(ServiceSetup.cleanPath("")).startsWith("/usr/local/sbin:");
        assertThat(ServiceSetup.listen("0.0.0.0", 8000)).isEqualTo("8000");
        assertThat(ServiceSetup.listen("::1", 8000)).isEqualTo("[::1]:8000");
        assertThat(ServiceSetup.minimal(List.of(Path.of("/a"), Path.of("/a/b"), Path.of("/c")))).containsExactly(Path.of("/a"), Path.of("/c"));
    }

    @Test
    void aPrivateConfigOfAnotherAccountIsNamedWithTheChownThatFixesIt() throws Exception {
        Path cfg = dir.resolve("config.toml");
        Files.writeString(cfg, "");
        Files.setPosixFilePermissions(cfg, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        String me = Files.getOwner(cfg).getName();
        assertThat(ServiceSetup.unreadableBy(cfg, me)).isNull();
        assertThat(ServiceSetup.unreadableBy(cfg, "someone-else")).contains("sudo chown someone-else " + cfg).contains("0600");
        Files.setPosixFilePermissions(cfg, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(ServiceSetup.unreadableBy(cfg, "someone-else")).isNull();
    }

    @Test
    void theTokenIsNeverOnTheUnitsCommandLinesOrInTheirEnvironment() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Path cfg = dir.resolve("secret.toml");
        Files.writeString(cfg, "[paths]\nshared_dir = \"" + shared + "\"\nlocal_temp_dir = \"" + dir + "\"\n[security]\ntoken = \"tok-8c1f2a\"\n");
        var flags = new ServiceSetup.Flags(false, false, null, dir.resolve("env"), false, false, null, null);
        for (Role role : Role.values()) {
            var r = ServiceSetup.prepare(role, cfg, flags, inv());
            String unit = role == Role.HOST ? UnitFileGenerator.hostService(r.options()) : UnitFileGenerator.runnerService(r.options());
            assertThat(unit).as(role.name()).doesNotContain("tok-8c1f2a").contains("--config " + cfg);
        }
    }
}
