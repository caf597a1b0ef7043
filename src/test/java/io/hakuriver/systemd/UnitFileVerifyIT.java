package io.hakuriver.systemd;

import io.hakuriver.testsupport.Env;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every unit `hakuriver.init service` writes, for each flag combination, passes `systemd-analyze verify --man=no`
 * with no output at all (it exits 0 on warnings, so output is the failure signal). Runs the shaded jar as a user would;
 * systemd need not be PID 1.
 */
@org.junit.jupiter.api.extension.ExtendWith(io.hakuriver.testsupport.Preconditions.class)
class UnitFileVerifyIT {
    static final Path ANALYZE = Path.of("/usr/bin/systemd-analyze");
    @TempDir static Path base;
    static Path config;

    /** Run by {@link io.hakuriver.testsupport.Preconditions}: a missing systemd-analyze skips the class with the reason reported. */
    static void preconditions() {
        Env.require(Files.isExecutable(ANALYZE), "systemd-analyze (apt-get install systemd; scripts/testenv/systemd-image.sh installs it)");
    }

    @BeforeAll
    static void config() throws Exception {
        Path shared = Files.createDirectories(base.resolve("shared"));
        Files.createDirectories(base.resolve("db"));
        Files.createDirectories(base.resolve("temp"));
        config = base.resolve("config.toml");
        Files.writeString(config, "[paths]\nshared_dir = \"" + shared + "\"\nlocal_temp_dir = \"" + base.resolve("temp")
                + "\"\n[database]\ndb_file = \"" + base.resolve("db/c.db") + "\"\n[network]\nhost_port = 8123\n");
        Files.writeString(base.resolve("env"), "HAKURIVER_TOKEN=secret\n");
    }

    record Run(int exit, String out) {}

    static Run run(List<String> argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    static Run verify(Path... units) throws Exception {
        List<String> argv = new ArrayList<>(List.of(ANALYZE.toString(), "verify", "--man=no"));
        for (Path u : units) argv.add(u.toString());
        return run(argv);
    }

    @ParameterizedTest(name = "init service --all --template {0}")
    @ValueSource(strings = {"", "--socket", "--notify", "--watchdog 30", "--env-file ENV", "--harden", "--docker",
            "--cpu-quota 150% --memory-max 2G", "--socket --notify --watchdog 10 --env-file ENV --harden --docker --cpu-quota 300% --memory-max 512M"})
    void generatedUnitsVerifyWithoutAnyOutput(String flags) throws Exception {
        Path out = Files.createTempDirectory(base, "units");
        List<String> argv = new ArrayList<>(List.of(Env.javaBin().toString(), "-jar", Env.jar().toString(), "init", "service",
                "--all", "--template", "--config", config.toString(), "--output-dir", out.toString()));
        if (!flags.isEmpty()) {
            for (String f : flags.split(" ")) argv.add(f.equals("ENV") ? base.resolve("env").toString() : f);
        }
        Run gen = run(argv);
        assertThat(gen.exit()).as(gen.out()).isZero();
        List<Path> units;
        try (Stream<Path> s = Files.list(out)) { units = s.sorted().toList(); }
        assertThat(units).extracting(p -> p.getFileName().toString()).contains("hakuriver-host.service", "hakuriver-runner.service", "hakuriver-runner@.service");
        // a template is verified through an instance of it
        Files.createSymbolicLink(out.resolve("hakuriver-runner@node1.service"), out.resolve("hakuriver-runner@.service"));
        for (Path unit : List.of(out.resolve("hakuriver-host.service"), out.resolve("hakuriver-runner.service"), out.resolve("hakuriver-runner@node1.service"))) {
            List<Path> args = new ArrayList<>(List.of(unit));
            if (flags.contains("--socket") && unit.getFileName().toString().startsWith("hakuriver-host")) args.add(out.resolve("hakuriver-host.socket"));
            Run v = verify(args.toArray(Path[]::new));
            assertThat(v.out()).as("systemd-analyze verify " + args + "\n" + Files.readString(unit)).isEmpty();
            assertThat(v.exit()).isZero();
        }
        if (flags.contains("--socket")) assertThat(out.resolve("hakuriver-host.socket")).content().contains("ListenStream=8123");
    }

    /** The check itself can fail: a broken unit produces output. */
    @Test
    void verifyReportsABrokenUnit() throws Exception {
        Path bad = base.resolve("broken.service");
        Files.writeString(bad, "[Service]\nType=bogus\nExecStart=" + Env.javaBin() + " -version\nRestartSec=soon\n");
        Run v = verify(bad);
        assertThat(v.out()).contains("bogus");
        assertThat(Arrays.asList(v.out().split("\n"))).hasSizeGreaterThanOrEqualTo(2);
    }
}
