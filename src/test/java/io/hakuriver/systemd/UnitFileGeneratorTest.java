package io.hakuriver.systemd;

import io.hakuriver.systemd.UnitFileGenerator.Options;
import io.hakuriver.systemd.UnitFileGenerator.Role;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UnitFileGeneratorTest {
    static final Path JAVA = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
    static final Path JAR = Path.of("/opt/hakuriver/hakuriver.jar");

    static Options opts(boolean socket, boolean notify, Integer watchdog, Path envFile, boolean harden, boolean docker,
                        String cpu, String mem, String user) {
        return new Options(JAVA, JAR, Path.of("/etc/hakuriver/host.toml"), user, user, Path.of("/srv/shared"),
                "/usr/local/bin:/usr/bin:/bin", socket, notify, watchdog, envFile, harden, docker, cpu, mem,
                List.of(Path.of("/srv/db"), Path.of("/srv/shared")), "8000", !user.equals("root"));
    }

    static Options plain(String user) { return opts(false, false, null, null, false, false, null, null, user); }

    @Test
    void hostServiceHasTheGuidesLayoutWithJavaExecStart() {
        String u = UnitFileGenerator.hostService(plain("alice"));
        assertThat(u).isEqualTo("""
                [Unit]
                Description=HakuRiver Host Server
                After=network.target

                [Service]
                Type=simple
                User=alice
                Group=alice
                WorkingDirectory=/srv/shared
                ExecStart=/usr/lib/jvm/java-17-openjdk-amd64/bin/java FLAGS -jar /opt/hakuriver/hakuriver.jar host --config /etc/hakuriver/host.toml
                Restart=on-failure
                RestartSec=5
                SuccessExitStatus=143
                RestartPreventExitStatus=2
                Environment="PATH=/usr/local/bin:/usr/bin:/bin"
                Environment="MALLOC_ARENA_MAX=1"

                [Install]
                WantedBy=multi-user.target
                """.replace("FLAGS", String.join(" ", io.hakuriver.util.JvmOptions.load().daemonFlags("host"))));
        // the launcher's flags (bin/jvm.options), with the daemon's own heap and exit on OOM
        assertThat(u).contains(" -XX:+ExitOnOutOfMemoryError ", " -Xmx96m ");
    }

    @Test
    void runnerServiceKeepsTasksAliveAcrossRestarts() {
        String u = UnitFileGenerator.runnerService(plain("alice"));
        assertThat(u).contains("Description=HakuRiver Runner Agent\n", "KillMode=process\n", " runner --config /etc/hakuriver/host.toml\n",
                "Type=simple\n").doesNotContain("docker");
    }

    @Test
    void socketActivationMakesTheHostANotifyServiceRequiringItsSocket() {
        Options o = opts(true, false, null, null, false, false, null, null, "alice");
        assertThat(UnitFileGenerator.hostService(o)).contains("Type=notify\n", "Requires=hakuriver-host.socket\n",
                "After=network.target hakuriver-host.socket\n");
        assertThat(UnitFileGenerator.hostSocket(o)).contains("[Socket]\nListenStream=8000\nAccept=no\n", "WantedBy=sockets.target\n");
    }

    @Test
    void notifyWatchdogEnvFileLimitsAndDocker() {
        Options o = opts(false, true, 20, Path.of("/etc/hakuriver/env"), false, true, "200%", "4G", "alice");
        String runner = UnitFileGenerator.runnerService(o);
        assertThat(runner).contains("Type=notify\n", "WatchdogSec=20\n", "TimeoutAbortSec=10\n", "EnvironmentFile=/etc/hakuriver/env\n", "CPUQuota=200%\n",
                "MemoryMax=4G\n", "After=network.target docker.service\n", "Wants=docker.service\n").doesNotContain("Requires=docker");
        assertThat(runner).contains(" -Xmx64m ");
        // --docker concerns the Runner only
        assertThat(UnitFileGenerator.hostService(o)).doesNotContain("docker.service");
        // a watchdog needs sd_notify, so it implies Type=notify
        assertThat(UnitFileGenerator.hostService(opts(false, false, 5, null, false, false, null, null, "a"))).contains("Type=notify\n");
    }

    @Test
    void hardeningAddsWritablePathsAndRefusesNoNewPrivilegesForASudoRunner() {
        Options sudoRunner = opts(false, false, null, null, true, false, null, null, "alice");
        String host = UnitFileGenerator.hostService(sudoRunner);
        assertThat(host).contains("ProtectSystem=strict\n", "ProtectHome=read-only\n", "PrivateTmp=true\n", "NoNewPrivileges=true\n",
                "ReadWritePaths=/srv/db /srv/shared\n");
        String runner = UnitFileGenerator.runnerService(sudoRunner);
        assertThat(runner).contains("ProtectSystem=strict\n").doesNotContain("NoNewPrivileges");
        assertThat(UnitFileGenerator.noNewPrivilegesRefusal(sudoRunner, Role.RUNNER)).contains("sudo");
        Options rootRunner = opts(false, false, null, null, true, false, null, null, "root");
        assertThat(UnitFileGenerator.runnerService(rootRunner)).contains("NoNewPrivileges=true\n");
        assertThat(UnitFileGenerator.noNewPrivilegesRefusal(rootRunner, Role.RUNNER)).isNull();
    }

    @Test
    void templateReadsRunnerInstanceConfigs() {
        String t = UnitFileGenerator.runnerTemplate(plain("alice"));
        assertThat(t).contains("Description=HakuRiver Runner Agent %i\n", " runner --config /etc/hakuriver/runner-%i.toml\n", "KillMode=process\n");
    }

    @Test
    void specialCharactersAreEscapedForSystemd() {
        Options o = new Options(JAVA, Path.of("/opt/my jars/100%/hakuriver.jar"), Path.of("/etc/cfg$x.toml"), "alice", "alice",
                Path.of("/srv/50%"), "/usr/bin", false, false, null, null, false, false, null, null, List.of(), "8000", true);
        String u = UnitFileGenerator.hostService(o);
        assertThat(u).contains("-jar \"/opt/my jars/100%%/hakuriver.jar\" host --config /etc/cfg$$x.toml\n", "WorkingDirectory=/srv/50%%\n");
    }

    @Test
    void badValuesAreRefusedWithAClearMessage() {
        assertThatThrownBy(() -> opts(false, false, 0, null, false, false, null, null, "a")).hasMessageContaining("--watchdog");
        assertThatThrownBy(() -> opts(false, false, null, null, false, false, "2 cores", null, "a")).hasMessageContaining("--cpu-quota");
        assertThatThrownBy(() -> opts(false, false, null, null, false, false, null, "lots", "a")).hasMessageContaining("--memory-max");
        assertThatThrownBy(() -> new Options(JAVA, JAR, Path.of("rel.toml"), "a", "a", Path.of("/s"), "/bin", false, false, null, null,
                false, false, null, null, List.of(), "8000", true)).hasMessageContaining("absolute");
        assertThatThrownBy(() -> new Options(JAVA, JAR, Path.of("/c.toml"), "a", "a", Path.of("/s"), "/bin::/usr/bin", false, false,
                null, null, false, false, null, null, List.of(), "8000", true)).hasMessageContaining("PATH");
    }
}
