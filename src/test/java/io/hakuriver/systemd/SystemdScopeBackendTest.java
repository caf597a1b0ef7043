package io.hakuriver.systemd;

import io.hakuriver.config.ConfigLoader;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.runner.exec.RunningTask;
import io.hakuriver.runner.exec.SystemdScopeBackend;
import io.hakuriver.runner.exec.TaskOutcome;
import io.hakuriver.runner.exec.TaskSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The parts of the scope backend that do not need systemd as PID 1 (the rest runs in SystemdE2EIT): the root policy
 * and a launch failure reported as an outcome rather than an exception.
 */
class SystemdScopeBackendTest {
    @TempDir Path dir;

    HakuConfig config(String extra) {
        return new ConfigLoader(dir, Map.of(), w -> { }).loadText("[paths]\nlocal_temp_dir = \"" + dir + "\"\n" + extra, dir.resolve("c.toml"));
    }

    TaskSpec spec() {
        return new TaskSpec(9, "true", List.of(), Map.of("HAKURIVER_TASK_ID", "9"), 0, null, null, List.of(), "", false, List.of(),
                dir.resolve("o/9.out"), dir.resolve("e/9.err"), dir, dir, dir);
    }

    @Test
    void aRootRunnerWithoutRunnerUserRefusesTasksAndSaysWhatToSet() throws Exception {
        var backend = new SystemdScopeBackend(config(""));
        io.hakuriver.testsupport.Env.require(UnixUsers.isRoot(), "Running as root (the policy concerns root Runners; CI runs as root)");
        RunningTask t = backend.start(spec());
        TaskOutcome o = t.completion().get(5, TimeUnit.SECONDS);
        assertThat(o.exitCode()).isNull();
        assertThat(o.message()).startsWith("Refusing to run tasks as root").contains("runner_user", "allow_root_tasks");
        assertThat(backend.fingerprint().available()).isFalse();
    }

    @Test
    void anUnknownRunnerUserIsNamed() throws Exception {
        var backend = new SystemdScopeBackend(config("[environment]\nrunner_user = \"no-such-user-xyz\"\n"));
        TaskOutcome o = backend.start(spec()).completion().get(5, TimeUnit.SECONDS);
        assertThat(o.message()).contains("'no-such-user-xyz' is not an account on this node");
    }

    @Test
    void emptyCommandIsBadInput() {
        var backend = new SystemdScopeBackend(config("[runner]\nallow_root_tasks = true\n"));
        TaskSpec s = spec();
        TaskSpec empty = new TaskSpec(s.taskId(), " ", s.arguments(), s.env(), 0, null, null, List.of(), "", false, List.of(),
                s.stdoutFile(), s.stderrFile(), s.workDir(), s.sharedDir(), s.localTempDir());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> backend.start(empty)).isInstanceOf(IllegalArgumentException.class);
    }
}
