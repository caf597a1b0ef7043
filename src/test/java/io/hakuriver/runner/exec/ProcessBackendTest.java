package io.hakuriver.runner.exec;

import io.hakuriver.config.ConfigLoader;
import io.hakuriver.config.HakuConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Real processes: the wrapper's exit status, and the exit log a restarted Runner reads. */
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

    @Test void exitStatusAndArgumentsAreTheTasksOwn() throws Exception {
        ProcessBackend b = new ProcessBackend(config());
        RunningTask t = b.start(spec(11, "/bin/sh", "-c", "echo \"$1|$2\"; exit 7", "x", "a b", "$HOME;`id`"));
        assertThat(t.completion().get(20, TimeUnit.SECONDS).exitCode()).isEqualTo(7);
        assertThat(Files.readString(dir.resolve("out/11.out")).trim()).isEqualTo("a b|$HOME;`id`");
    }

    @Test void aRestartedRunnerReadsTheStatusOfATaskThatEndedWhileItWasDown() throws Exception {
        HakuConfig cfg = config();
        ProcessBackend first = new ProcessBackend(cfg);
        RunningTask ended = first.start(spec(21, "/bin/sh", "-c", "exit 3"));
        RunningTask later = first.start(spec(22, "/bin/sh", "-c", "sleep 1; exit 5"));
        assertThat(ended.completion().get(20, TimeUnit.SECONDS).exitCode()).isEqualTo(3);

        ProcessBackend second = new ProcessBackend(cfg); // a new Runner process: a new generation of the log
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
