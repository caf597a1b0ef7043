package io.hakuriver.cli;

import io.hakuriver.util.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A daemon started as units start it ({@code runner --config PATH}) skips picocli; anything else goes through it.
 * Both ways end a bad start alike: the same message, the same exit code.
 */
class DaemonStartTest {
    @TempDir Path dir;

    @Test void onlyTheUnitsPlainFormsSkipTheParser() {
        assertThat(Main.plainConfig(new String[]{"runner", "--config", "/etc/hakuriver/runner.toml"})).isEqualTo(Path.of("/etc/hakuriver/runner.toml"));
        assertThat(Main.plainConfig(new String[]{"host", "-c", "h.toml"})).isEqualTo(Path.of("h.toml"));
        assertThat(Main.plainConfig(new String[]{"host", "--config=h.toml"})).isEqualTo(Path.of("h.toml"));
        assertThat(Main.plainConfig(new String[]{"runner"})).isNull();
        assertThat(Main.plainConfig(new String[]{"runner", "--help"})).isNull();
        assertThat(Main.plainConfig(new String[]{"runner", "--config", "--help"})).isNull();
        assertThat(Main.plainConfig(new String[]{"runner", "--config="})).isNull();
        assertThat(Main.plainConfig(new String[]{"runner", "--config", "a.toml", "--extra"})).isNull();
        assertThat(Main.plainConfig(new String[]{"runner", "--port", "8001"})).isNull();
    }

    @Test void aMissingConfigEndsBothWaysWithTheSameWordsAndCode() throws Exception {
        Path missing = dir.resolve("absent.toml");
        for (String cmd : new String[]{"runner", "host"}) {
            Result direct = run(cmd, "--config", missing.toString());
            Result parsed = run(cmd, "-c=" + missing); // a form only picocli reads
            assertThat(direct.code).isEqualTo(ExitCodes.USAGE);
            assertThat(direct.err).startsWith("Configuration error: ").contains(missing.toString());
            assertThat(parsed.code).isEqualTo(direct.code);
            assertThat(parsed.err).isEqualTo(direct.err);
        }
    }

    @Test void anUnreadableConfigNamesItsPath() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("a-folder.toml"));
        Result r = run("runner", "-c", folder.toString());
        assertThat(r.code).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err).contains(folder.toString());
    }

    private record Result(int code, String err) {}

    private static Result run(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.execute(args);
            return new Result(code, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(old);
        }
    }
}
