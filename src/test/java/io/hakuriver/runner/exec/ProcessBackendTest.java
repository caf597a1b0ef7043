package io.hakuriver.runner.exec;

import io.hakuriver.config.ConfigLoader;
import io.hakuriver.config.HakuConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real processes, started through the jar's spawn helper and through the setsid + sh chain it replaces where it
 * cannot run: the task's own exit status and arguments, its own session, and the exit log a restarted Runner reads.
 */
class ProcessBackendTest {
    @TempDir Path dir;

    private HakuConfig config() {
        return new ConfigLoader(dir, Map.of(), w -> { }).loadText(
                "[runner]\nstate_dir = \"" + dir.resolve("state") + "\"\nallow_root_tasks = true\n", dir.resolve("c.toml"));
    }

    private TaskSpec spec(long id, String... argv) {
        return new TaskSpec(id, argv[0], List.of(argv).subList(1, argv.length), Map.of(), 0, null, null, List.of(), "", false, List.of(),
                dir.resolve("out/" + id + ".out"), dir.resolve("err/" + id + ".err"), dir.resolve("work"), dir, dir.resolve("tmp"));
    }

    private ProcessBackend backend(HakuConfig cfg, boolean helper) {
        if (helper) SpawnHelperTest.requireInBuild();
        ProcessBackend b = new ProcessBackend(cfg, helper);
        assertThat(b.usesHelper()).as("the build puts the spawn helper into the classes (scripts/build-native.sh)").isEqualTo(helper);
        return b;
    }

    @ParameterizedTest @ValueSource(booleans = {true, false})
    void exitStatusAndArgumentsAreTheTasksOwn(boolean helper) throws Exception {
        ProcessBackend b = backend(config(), helper);
        RunningTask t = b.start(spec(11, "/bin/sh", "-c", "echo \"$1|$2\"; exit 7", "x", "a b", "$HOME;`id`"));
        assertThat(t.completion().get(20, TimeUnit.SECONDS).exitCode()).isEqualTo(7);
        assertThat(Files.readString(dir.resolve("out/11.out")).trim()).isEqualTo("a b|$HOME;`id`");
    }

    @ParameterizedTest @ValueSource(booleans = {true, false})
    void aTaskLeadsNoSessionOfItsOwnButItsWrapperDoesAndASignalIsItsStatus(boolean helper) throws Exception {
        ProcessBackend b = backend(config(), helper);
        RunningTask t = b.start(spec(31, "/bin/sh", "-c", "cut -d' ' -f6 /proc/self/stat"));
        assertThat(t.completion().get(20, TimeUnit.SECONDS).exitCode()).isZero();
        String wrapperPid = t.handle().substring(0, t.handle().indexOf(':'));
        assertThat(Files.readString(dir.resolve("out/31.out")).trim()).as("the task's session is its wrapper's").isEqualTo(wrapperPid);
        RunningTask killed = b.start(spec(32, "/bin/sh", "-c", "kill -TERM $$"));
        assertThat(killed.completion().get(20, TimeUnit.SECONDS).exitCode()).isEqualTo(128 + 15);
    }

    @Test void theHelperStartsTasksWithNoClassicSignalBlockedOrIgnored() throws Exception {
        ProcessBackend b = backend(config(), true);
        RunningTask t = b.start(spec(41, "/bin/sh", "-c", "grep -E '^Sig(Blk|Ign)' /proc/self/status"));
        assertThat(t.completion().get(20, TimeUnit.SECONDS).exitCode()).isZero();
        // the classic signals 1-31 (SIGINT, SIGQUIT, SIGPIPE, SIGHUP...); above them are glibc's own real-time ones
        for (String line : Files.readAllLines(dir.resolve("out/41.out"))) {
            long mask = Long.parseUnsignedLong(line.substring(line.indexOf('\t') + 1).trim(), 16);
            assertThat(mask & 0x7fffffffL).as(line).isZero();
        }
    }

    @ParameterizedTest @ValueSource(booleans = {true, false})
    void aRestartedRunnerReadsTheStatusOfATaskThatEndedWhileItWasDown(boolean helper) throws Exception {
        HakuConfig cfg = config();
        ProcessBackend first = backend(cfg, helper);
        RunningTask ended = first.start(spec(21, "/bin/sh", "-c", "exit 3"));
        RunningTask later = first.start(spec(22, "/bin/sh", "-c", "sleep 1; exit 5"));
        assertThat(ended.completion().get(20, TimeUnit.SECONDS).exitCode()).isEqualTo(3);

        ProcessBackend second = backend(cfg, helper); // a new Runner process: a new generation of the log
        assertThat(second.recover(21, ended.handle())).get()
                .satisfies(t -> assertThat(t.completion().get(5, TimeUnit.SECONDS).exitCode()).isEqualTo(3));
        RunningTask again = second.recover(22, later.handle()).orElseThrow();
        second.recovered();
        assertThat(again.completion().get(20, TimeUnit.SECONDS).exitCode()).as("read from the log, not waited for").isEqualTo(5);
        assertThat(second.recover(23, later.handle())).as("an ended process with nothing recorded for this id").isEmpty();

        RunningTask third = second.start(spec(24, "/bin/true"));
        assertThat(third.completion().get(20, TimeUnit.SECONDS).exitCode()).isZero();
        try (var logs = Files.list(dir.resolve("state/exit"))) {
            assertThat(logs.map(p -> p.getFileName().toString()))
                    .as("the first process's log went once nothing wrote to it any more").containsExactly("exits-2.log");
        }
    }
}
