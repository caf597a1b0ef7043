package io.hakuriver.runner;

import io.hakuriver.api.RunRequest;
import io.hakuriver.api.TaskStatus;
import io.hakuriver.api.UpdateRequest;
import io.hakuriver.config.ConfigLoader;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.runner.exec.BackendRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real RunnerAgent on a one-core node, real processes: a when_room start waits for the running task to end,
 * starts right after it — its outcome queued for the Host before the waiting task's "running" — and one killed
 * while it waits never runs.
 */
class RunnerAgentWhenRoomTest {
    @TempDir Path dir;
    private final List<UpdateRequest> delivered = new ArrayList<>();
    private UpdateOutbox outbox;

    @AfterEach void down() { if (outbox != null) outbox.close(); }

    private RunRequest run(long id, String script, boolean whenRoom) {
        return new RunRequest(id, "/bin/sh", List.of("-c", script), Map.of(), 1, null, null, null, null, "", false, List.of(),
                null, List.of(), whenRoom ? Boolean.TRUE : null);
    }

    private List<String> seen() {
        synchronized (delivered) { return delivered.stream().map(u -> u.taskId() + " " + u.status().wire()).toList(); }
    }

    @Test void aWaitingStartRunsRightAfterTheRunningTaskAndAKilledOneNever() throws Exception {
        HakuConfig cfg = new ConfigLoader(dir, Map.of(), w -> { }).loadText(
                "[runner]\nstate_dir = \"" + dir.resolve("state") + "\"\nallow_root_tasks = true\nnull_backend = \"process\"\n"
                        + "[paths]\nshared_dir = \"" + dir.resolve("shared") + "\"\nlocal_temp_dir = \"" + dir.resolve("tmp") + "\"\n",
                dir.resolve("c.toml"));
        for (String d : List.of("tmp", "shared/task_outputs", "shared/task_errors", "shared/shared_data", "state/outbox")) Files.createDirectories(dir.resolve(d));
        outbox = new UpdateOutbox(dir.resolve("state/outbox"), batch -> { synchronized (delivered) { delivered.addAll(batch); } return batch.size(); });
        RunnerAgent agent = new RunnerAgent(cfg, new BackendRegistry(cfg), new TaskTable(dir.resolve("state")), outbox,
                new GpuMonitor(new NvidiaSmi(dir.resolve("no-nvidia-smi").toString(), Duration.ofSeconds(1))), 1, 0);

        assertThat(agent.accept(run(1, "sleep 0.5", false), 100).result()).isEqualTo(RunnerAgent.Result.OK);
        await().atMost(Duration.ofSeconds(10)).until(() -> seen().contains("1 running"));
        assertThat(agent.accept(run(2, "echo two", true), 100).message()).contains("when room frees");
        assertThat(agent.accept(run(3, "echo three", true), 100).result()).isEqualTo(RunnerAgent.Result.OK);
        assertThat(agent.runningIds()).as("waiting tasks are reported as this node's").contains(1L, 2L, 3L);
        Thread.sleep(200);
        assertThat(seen()).as("no room yet: nothing else started").doesNotContain("2 running", "2 completed");

        assertThat(agent.kill(3).message()).contains("will not start");
        await().atMost(Duration.ofSeconds(20)).until(() -> seen().contains("2 completed"));
        List<String> order = seen();
        assertThat(order).contains("3 killed").doesNotContain("3 running", "3 completed");
        assertThat(order.indexOf("1 completed")).as(order.toString()).isLessThan(order.indexOf("2 completed"));
        if (order.contains("2 running")) assertThat(order.indexOf("1 completed")).as(order.toString()).isLessThan(order.indexOf("2 running"));
        assertThat(Files.readString(dir.resolve("shared/task_outputs/2.out"))).isEqualTo("two\n");
        assertThat(dir.resolve("shared/task_outputs/3.out")).doesNotExist();
        assertThat(agent.runningIds()).isEmpty();
    }
}
