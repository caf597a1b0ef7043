package io.hakuriver.hakurun;

import io.hakuriver.cli.RootCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The picocli layer through the real entry point: option placement, pass-through, exit codes. */
class HakurunCommandTest {
    private final PrintStream realOut = System.out;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final StringWriter err = new StringWriter();

    @BeforeEach void captureStdout() { System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8)); }

    @AfterEach void restoreStdout() { System.setOut(realOut); }

    private int hakurun(String... args) {
        CommandLine cl = RootCommand.commandLine();
        cl.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "hakurun";
        System.arraycopy(args, 0, all, 1, args.length);
        return cl.execute(all);
    }

    private String out() { return out.toString(StandardCharsets.UTF_8); }

    @Test void everythingAfterTheTargetIsPassedThrough() {
        assertThat(hakurun("--dry-run", "echo", "-n", "--help", "--parallel", "--", "span:[a,b]")).isZero();
        assertThat(out()).isEqualTo("echo -n --help --parallel -- a\necho -n --help --parallel -- b\n");
    }

    @Test void parallelTakesAnOptionalCount() {
        assertThat(hakurun("--parallel", "--dry-run", "echo", "span:{1..2}")).isZero();
        assertThat(hakurun("--parallel", "3", "--dry-run", "echo", "x")).isZero();
        assertThat(hakurun("--parallel=2", "--dry-run", "echo", "y")).isZero();
        assertThat(hakurun("-j", "2", "--dry-run", "--", "echo", "z")).isZero();
        assertThat(out()).isEqualTo("echo 1\necho 2\necho x\necho y\necho z\n");
    }

    @Test void badUsageExitsTwoWithTheOffendingArgument() {
        assertThat(hakurun("--parallel", "0", "echo", "x")).isEqualTo(2);
        assertThat(err.toString()).contains("at least 1, got 0");
        assertThat(hakurun("echo", "span:{1..b}")).isEqualTo(2);
        assertThat(err.toString()).contains("Error: Invalid range format in 'span:{1..b}'");
        assertThat(hakurun()).isEqualTo(2);
        assertThat(out()).isEmpty();
    }

    @Test void childFailureBecomesTheExitCode() {
        assertThat(hakurun("--parallel", "2", "sh", "-c", "exit $0", "span:[0,3]")).isEqualTo(3);
        assertThat(hakurun("sh", "-c", "exit 4")).isEqualTo(4);
        assertThat(hakurun("true")).isZero();
    }
}
