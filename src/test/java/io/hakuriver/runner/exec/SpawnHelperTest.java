package io.hakuriver.runner.exec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The static hakuriver-spawn itself (src/main/c), run directly: what it records, what it exits with, what it says. */
class SpawnHelperTest {
    @TempDir Path dir;

    /** Built without a C compiler the jar has no helper: skipped locally, a failure in CI (which provisions cc). */
    static void requireInBuild() {
        io.hakuriver.testsupport.Env.require(SpawnHelper.inBuild(),
                "The spawn helper in the build (a C compiler and a static libc: scripts/testenv/cc.sh, then rebuild)");
    }

    private record Run(int code, String out) {}

    private Run run(Path helper, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(helper.toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test void itRecordsAndReturnsTheTasksStatusAndSaysWhatCouldNotRun() throws Exception {
        requireInBuild();
        Path helper = SpawnHelper.install(dir.resolve("state")).orElseThrow(() ->
                new AssertionError("no usable spawn helper: the build compiles it (scripts/build-native.sh, needs cc and libc6-dev)"));
        assertThat(Files.getPosixFilePermissions(helper)).extracting(Object::toString).contains("OWNER_EXECUTE");
        Path log = Files.createFile(dir.resolve("exits.log"));
        assertThat(run(helper, log.toString(), "7", "/bin/sh", "-c", "echo \"$0|$1\"; exit 3", "a b", "$HOME;`id`"))
                .isEqualTo(new Run(3, "a b|$HOME;`id`\n"));
        assertThat(run(helper, log.toString(), "8", "/bin/sh", "-c", "kill -KILL $$").code()).isEqualTo(128 + 9);
        Run missing = run(helper, log.toString(), "9", "/no/such/program");
        assertThat(missing.code()).isEqualTo(127);
        assertThat(missing.out()).isEqualTo("hakuriver-spawn: /no/such/program: No such file or directory\n");
        assertThat(Files.readString(log)).isEqualTo("7 3\n8 137\n9 127\n");
        assertThat(run(helper, log.toString(), "10").code()).as("too few arguments: nothing ran").isEqualTo(125);
        assertThat(Files.readString(log)).endsWith("9 127\n");
    }

    @Test void anInstalledHelperIsKeptAndAChangedOneReplaced() throws Exception {
        requireInBuild();
        Path state = dir.resolve("state");
        Path helper = SpawnHelper.install(state).orElseThrow();
        long first = Files.getLastModifiedTime(helper).toMillis();
        Files.setLastModifiedTime(helper, java.nio.file.attribute.FileTime.fromMillis(first - 60_000));
        assertThat(SpawnHelper.install(state)).contains(helper);
        assertThat(Files.getLastModifiedTime(helper).toMillis()).as("the same bytes: not rewritten").isEqualTo(first - 60_000);
        Files.write(helper, new byte[] {1, 2, 3});
        assertThat(SpawnHelper.install(state)).contains(helper);
        assertThat(run(helper, "--version").out()).startsWith("hakuriver-spawn");
    }

    @Test void itsCommandLineIsRecognised() {
        assertThat(SpawnHelper.isHelper(new String[] {"/var/lib/hakuriver/bin/hakuriver-spawn", "/x/exits-1.log", "5", "/bin/true"})).isTrue();
        assertThat(SpawnHelper.isHelper(new String[] {"/bin/sh", "-c", "w", "/x/exits-1.log", "5", "/bin/true"})).isFalse();
        assertThat(SpawnHelper.isHelper(new String[] {"/bin/hakuriver-spawn-not", "a", "b", "c"})).isFalse();
    }
}
