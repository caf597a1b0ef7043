package io.hakuriver.hakurun;

import io.hakuriver.testsupport.Env;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** hakurun as users run it: the shaded jar in its own JVM, real children, real signals. */
class HakurunCliIT {
    @TempDir Path dir;

    private ProcessBuilder hakurun(String... args) {
        List<String> argv = new ArrayList<>(List.of(Env.javaBin().toString(), "-jar", Env.jar().toString(), "hakurun"));
        argv.addAll(List.of(args));
        return new ProcessBuilder(argv).directory(dir.toFile());
    }

    private record Result(int code, String out, String err) {}

    private Result run(String... args) throws Exception {
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Process p = hakurun(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test void parallelSweepLabelsOutputAndReportsTheWorstExitCode() throws Exception {
        Result r = run("--parallel", "3", "sh", "-c", "echo value=$0; exit $1", "span:{1..3}", "span:[0,2]");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out().lines()).hasSize(6).contains("[1/6] value=1", "[2/6] value=1", "[6/6] value=3");
        assertThat(r.err()).contains("Running 6 tasks in parallel via subprocess... (at most 3 at a time)")
                .contains("Some parallel tasks failed.")
                .contains("Summary: 6 tasks, 3 succeeded, 3 failed")
                .contains("  FAILED Task 2/6 (exit code 2): sh -c 'echo value=$0; exit $1' 1 2");
    }

    @Test void usageErrorsExitTwoAndNameTheArgument() throws Exception {
        Result r = run("echo", "span:[a,b");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Error: Invalid list in 'span:[a,b': missing closing ']'");
        assertThat(r.out()).isEmpty();
    }

    @Test void dryRunOutputRunsUnderBash() throws Exception {
        Result r = run("--dry-run", "sh", "-c", "echo \"<$0>\" >> \"$1\"", "span:[it's,a b]", dir.resolve("log").toString());
        assertThat(r.code()).isZero();
        assertThat(Files.exists(dir.resolve("log"))).isFalse();
        Process bash = new ProcessBuilder("bash").redirectInput(ProcessBuilder.Redirect.PIPE).start();
        bash.getOutputStream().write(r.out().getBytes(StandardCharsets.UTF_8));
        bash.getOutputStream().close();
        assertThat(bash.waitFor()).isZero();
        assertThat(Files.readString(dir.resolve("log"))).isEqualTo("<it's>\n<a b>\n");
    }

    @Test void stoppingHakurunStopsItsChildren() throws Exception {
        Process p = hakurun("--parallel", "2", "sh", "-c", "echo $$ > \"$0.pid\"; exec sleep 120", "span:[a,b]")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(dir.resolve("a.pid")) && Files.exists(dir.resolve("b.pid"))
                && !Files.readString(dir.resolve("b.pid")).isBlank() && !Files.readString(dir.resolve("a.pid")).isBlank());
        List<ProcessHandle> children = new ArrayList<>();
        for (String name : List.of("a.pid", "b.pid")) {
            long pid = Long.parseLong(Files.readString(dir.resolve(name)).strip());
            children.add(ProcessHandle.of(pid).orElseThrow());
        }
        assertThat(children).allMatch(ProcessHandle::isAlive);
        p.destroy(); // SIGTERM to hakurun only
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
    }
}
