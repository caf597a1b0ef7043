package io.hakuriver.systemd;

import io.hakuriver.cli.RootCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** hakuriver.init in-process: exit codes, messages, files written. */
class InitCommandTest {
    @TempDir Path dir;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldOut, oldErr;

    @BeforeEach void capture() { oldOut = System.out; oldErr = System.err; System.setOut(new PrintStream(out, true)); System.setErr(new PrintStream(err, true)); }
    @AfterEach void restore() { System.setOut(oldOut); System.setErr(oldErr); }

    int run(String... args) {
        var cl = RootCommand.commandLine();
        cl.setOut(new java.io.PrintWriter(System.out, true));
        cl.setErr(new java.io.PrintWriter(System.err, true));
        return cl.execute(args);
    }

    @Test
    void configNeverOverwritesWithoutForceAndSaysWhatItDid() throws Exception {
        Path cfg = dir.resolve("sub/config.toml");
        assertThat(run("init", "config", "--path", cfg.toString())).isZero();
        assertThat(out.toString()).contains("Wrote default configuration to " + cfg);
        assertThat(Files.readString(cfg)).contains("[network]", "host_port = 8000");
        Files.writeString(cfg, "# mine\n");
        out.reset();
        assertThat(run("init", "config", "--path", cfg.toString())).isZero();
        assertThat(out.toString()).contains("already exists; left unchanged");
        assertThat(Files.readString(cfg)).isEqualTo("# mine\n");
        assertThat(run("init", "config", "--path", cfg.toString(), "--force")).isZero();
        assertThat(out.toString()).contains("Overwrote");
        assertThat(Files.readString(cfg)).contains("[network]");
    }

    @Test
    void bareInitWritesTheUserConfig() {
        System.setProperty("hakuriver.home", dir.toString());
        try {
            assertThat(run("init")).isZero();
        } finally {
            System.clearProperty("hakuriver.home");
        }
        assertThat(dir.resolve(".hakuriver/config.toml")).content().contains("[network]");
    }

    @Test
    void serviceWithoutRoleIsAUsageError() {
        assertThat(run("init", "service", "--output-dir", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--host, --runner or --all");
    }

    @Test
    void missingConfigNamesTheFile() {
        assertThat(run("init", "service", "--host", "--config", dir.resolve("nope.toml").toString(), "--jar", "/opt/h.jar",
                "--output-dir", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("Configuration file not found: " + dir.resolve("nope.toml"));
        assertThat(dir.resolve("hakuriver-host.service")).doesNotExist();
    }

    @Test
    void writesUnitsForReviewPrintsNextStepsAndSudoersAndKeepsEditedFiles() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Path cfg = dir.resolve("c.toml");
        Files.writeString(cfg, "[paths]\nshared_dir = \"" + shared + "\"\n");
        Path outDir = dir.resolve("units");
        assertThat(run("init", "service", "--all", "--socket", "--config", cfg.toString(), "--jar", "/opt/h.jar",
                "--output-dir", outDir.toString())).isZero();
        assertThat(outDir.resolve("hakuriver-host.service")).content().contains("ExecStart=", " -jar /opt/h.jar host --config " + cfg);
        assertThat(outDir.resolve("hakuriver-host.socket")).exists();
        assertThat(outDir.resolve("hakuriver-runner.service")).content().contains("KillMode=process");
        assertThat(out.toString()).contains("sudo cp " + outDir.resolve("hakuriver-host.service"), "sudo systemctl daemon-reload",
                "enable --now hakuriver-host.socket", "journalctl -u hakuriver-runner.service", "NOPASSWD: ");
        // the reviewed files stay; an edited one is not overwritten silently
        Files.writeString(outDir.resolve("hakuriver-runner.service"), "edited");
        assertThat(run("init", "service", "--runner", "--config", cfg.toString(), "--jar", "/opt/h.jar", "--output-dir", outDir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("was edited or written by hand; left unchanged", "--force");
        assertThat(outDir.resolve("hakuriver-runner.service")).hasContent("edited");
        // with --force it is replaced and the edited one kept
        assertThat(run("init", "service", "--runner", "--force", "--config", cfg.toString(), "--jar", "/opt/h.jar", "--output-dir", outDir.toString())).isZero();
        assertThat(outDir.resolve("hakuriver-runner.service")).content().contains("KillMode=process");
        try (var s = Files.list(outDir)) {
            assertThat(s.filter(p -> p.getFileName().toString().startsWith("hakuriver-runner.service.bak-"))).singleElement()
                    .satisfies(p -> assertThat(p).hasContent("edited"));
        }
    }

    @Test
    void regeneratingAfterAConfigChangeNeedsNoForceWhenNobodyEditedTheUnit() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Path cfg = dir.resolve("c.toml");
        Files.writeString(cfg, "[paths]\nshared_dir = \"" + shared + "\"\n");
        Path outDir = dir.resolve("units");
        assertThat(run("init", "service", "--host", "--config", cfg.toString(), "--jar", "/opt/h.jar", "--output-dir", outDir.toString())).isZero();
        Path other = Files.createDirectories(dir.resolve("shared2"));
        Files.writeString(cfg, "[paths]\nshared_dir = \"" + other + "\"\n");
        out.reset();
        assertThat(run("init", "service", "--host", "--config", cfg.toString(), "--jar", "/opt/h.jar", "--output-dir", outDir.toString()))
                .as(err.toString()).isZero();
        assertThat(out.toString()).contains("Updated " + outDir.resolve("hakuriver-host.service"), "not edited");
        assertThat(outDir.resolve("hakuriver-host.service")).content().contains("WorkingDirectory=" + other);
    }

    @Test
    void dockerFlagWritesWantsAndExplainsWhenDockerIsMissing() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Path cfg = dir.resolve("c.toml");
        Files.writeString(cfg, "[paths]\nshared_dir = \"" + shared + "\"\n");
        assertThat(run("init", "service", "--runner", "--docker", "--config", cfg.toString(), "--jar", "/opt/h.jar",
                "--output-dir", dir.resolve("u").toString())).isZero();
        assertThat(dir.resolve("u/hakuriver-runner.service")).content().contains("Wants=docker.service").doesNotContain("Requires=docker");
        if (!DockerUnit.present()) assertThat(err.toString()).contains("docker.service is not installed", "Requires=docker.service");
    }

    @Test
    void helpHasNoPicocliFormatWarnings() {
        assertThat(run("init", "service", "--help")).isZero();
        assertThat(out.toString() + err.toString()).doesNotContain("picocli WARN").contains("e.g. 200% (100%");
    }

    @Test
    void configWritesAbsolutePaths() throws Exception {
        Path cfg = dir.resolve("sub/config.toml");
        assertThat(run("init", "config", "--path", cfg.toString())).isZero();
        assertThat(cfg).content().contains("shared_dir = \"" + dir.resolve("sub/shared") + "\"",
                "local_temp_dir = \"" + dir.resolve("sub/temp") + "\"", "db_file = \"" + dir.resolve("sub/cluster_management.db") + "\"");
    }
}
