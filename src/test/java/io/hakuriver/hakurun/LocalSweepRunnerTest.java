package io.hakuriver.hakurun;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Real child processes (sh, coreutils); only the output streams are captured in memory. */
class LocalSweepRunnerTest {
    @TempDir Path dir;
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final LocalSweepRunner runner = new LocalSweepRunner(
            new PrintStream(outBytes, true, StandardCharsets.UTF_8), new PrintStream(errBytes, true, StandardCharsets.UTF_8));

    private String out() { return outBytes.toString(StandardCharsets.UTF_8); }

    private String err() { return errBytes.toString(StandardCharsets.UTF_8); }

    private SweepResult run(int parallelism, String... args) throws InterruptedException {
        List<String> all = new ArrayList<>(List.of("-c"));
        all.addAll(Arrays.asList(args));
        // argv: sh -c SCRIPT NAME... : the constant script gets the values as $0 $1 ...
        Target sh = new Target.Executable("sh");
        return runner.run(SweepPlan.of(all), sh, new LocalSweepRunner.Settings(parallelism, dir, null));
    }

    @Test void sequentialRunKeepsOrderAndLabelsEveryLine() throws Exception {
        SweepResult r = run(1, "echo out $0 $1; echo err $0 $1 >&2", "span:{1..2}", "span:[a,b c]");
        assertThat(r.allSucceeded()).isTrue();
        assertThat(r.exitCode()).isZero();
        assertThat(r.peakRunning()).isEqualTo(1);
        assertThat(out()).isEqualTo("[1/4] out 1 a\n[2/4] out 1 b c\n[3/4] out 2 a\n[4/4] out 2 b c\n");
        assertThat(err()).startsWith("Running 4 tasks sequentially via subprocess...\n")
                .contains("  Task 1/4: sh -c 'echo out $0 $1; echo err $0 $1 >&2' 1 a\n")
                .contains("[2/4] err 1 b c\n")
                .contains("Summary: 4 tasks, 4 succeeded, 0 failed")
                .doesNotContain("parallel");
    }

    @Test void multiLineAndUnterminatedOutputIsLabelledLineByLine() throws Exception {
        run(1, "printf 'x\\ny\\nno-newline'; echo $0 >/dev/null", "span:{1..2}");
        assertThat(out()).isEqualTo("[1/2] x\n[1/2] y\n[1/2] no-newline\n[2/2] x\n[2/2] y\n[2/2] no-newline\n");
    }

    @Test void parallelRunNeverExceedsTheBoundButUsesIt() throws Exception {
        // Each child records when it started and ended (ns); the overlap is computed from those files,
        // independently of the runner's own counter.
        String script = "date +%s%N > \"$1/$0.start\"; sleep 0.4; date +%s%N > \"$1/$0.end\"";
        SweepResult r = run(3, script, "span:{1..10}", dir.toString());
        assertThat(r.allSucceeded()).isTrue();
        int overlap = maxOverlap(10);
        assertThat(overlap).as("never more than 3, and really concurrent").isBetween(2, 3);
        assertThat(r.peakRunning()).isLessThanOrEqualTo(3);
        assertThat(err()).contains("Running 10 tasks in parallel via subprocess... (at most 3 at a time)")
                .contains("All parallel tasks finished successfully.");
        // 10 tasks of 0.4 s in slots of 3 take at least 4 rounds.
        assertThat(r.elapsed().toMillis()).isGreaterThanOrEqualTo(1500);
    }

    private int maxOverlap(int n) throws IOException {
        List<long[]> events = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            events.add(new long[]{Long.parseLong(Files.readString(dir.resolve(i + ".start")).strip()), +1});
            events.add(new long[]{Long.parseLong(Files.readString(dir.resolve(i + ".end")).strip()), -1});
        }
        events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int now = 0, max = 0;
        for (long[] e : events) {
            now += (int) e[1];
            max = Math.max(max, now);
        }
        return max;
    }

    @Test void failuresAreSummarisedAndTheHighestExitCodeWins() throws Exception {
        SweepResult r = run(2, "echo $0; exit $0", "span:[0,3,0,7,1]");
        assertThat(r.succeeded()).isEqualTo(2);
        assertThat(r.failures()).extracting(SweepResult.Failure::index).containsExactly(2L, 4L, 5L);
        assertThat(r.failures()).extracting(SweepResult.Failure::exitCode).containsExactly(3, 7, 1);
        assertThat(r.exitCode()).isEqualTo(7);
        assertThat(err()).contains("Some parallel tasks failed.")
                .contains("Summary: 5 tasks, 2 succeeded, 3 failed")
                .contains("  FAILED Task 2/5 (exit code 3): sh -c 'echo $0; exit $0' 3\n")
                .contains("  FAILED Task 4/5 (exit code 7): sh -c 'echo $0; exit $0' 7\n")
                .contains("Task 5/5 failed with exit code 1.");
    }

    @Test void logDirKeepsEachCombinationsOutputInItsOwnFiles() throws Exception {
        Path logs = dir.resolve("logs");
        SweepPlan plan = SweepPlan.of(List.of("-c", "echo out $0; echo err $0 >&2", "span:{1..10}"));
        SweepResult r = runner.run(plan, new Target.Executable("sh"), new LocalSweepRunner.Settings(4, dir, logs));
        assertThat(r.allSucceeded()).isTrue();
        for (int i = 1; i <= 10; i++) {
            String stem = String.format("%02d", i);
            assertThat(Files.readString(logs.resolve(stem + ".out"))).isEqualTo("out " + i + "\n");
            assertThat(Files.readString(logs.resolve(stem + ".err"))).isEqualTo("err " + i + "\n");
        }
        assertThat(out()).isEmpty();
    }

    @Test void childrenRunInTheWorkDirWithStdinClosed() throws Exception {
        run(2, "pwd; cat; echo \"[$0]\"", "span:[x,y]");
        assertThat(out()).contains("[1/2] " + dir.toRealPath() + "\n").contains("[1/2] [x]\n").contains("[2/2] [y]\n");
    }

    @Test void aChildThatCannotStartIsAFailureWith127() throws Exception {
        Path noExec = Files.writeString(dir.resolve("script"), "#!/nonexistent/interpreter\n");
        noExec.toFile().setExecutable(true);
        SweepResult r = runner.run(SweepPlan.of(List.of("span:{1..2}")), new Target.Executable(noExec.toString()),
                new LocalSweepRunner.Settings(1, dir, null));
        assertThat(r.exitCode()).isEqualTo(127);
        assertThat(r.failures()).hasSize(2).allMatch(f -> f.reason().startsWith("could not start"));
    }

    @Test void singleCombinationReturnsTheChildsExitCode() throws Exception {
        Combination c = SweepPlan.of(List.of("-c", "exit 42")).get(1);
        assertThat(runner.runSingle(new Target.Executable("sh"), c, dir)).isEqualTo(42);
    }

    @Test void fileStemsSortInTaskOrder() {
        assertThat(LocalSweepRunner.fileStem(7, 100)).isEqualTo("007");
        assertThat(LocalSweepRunner.fileStem(7, 9)).isEqualTo("7");
    }
}
