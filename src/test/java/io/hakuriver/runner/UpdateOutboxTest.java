package io.hakuriver.runner;

import io.hakuriver.api.TaskStatus;
import io.hakuriver.api.UpdateRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** The outbox keeps updates on disk until delivered, in order, across a restart of the outbox. */
class UpdateOutboxTest {
    /** Naive local times, as the Runner writes them. */
    static final String T0 = "2026-11-26T05:08:47.456122", T1 = "2026-11-26T05:08:48.432514";
    @TempDir Path dir;

    @Test void updatesSurviveAnOutageAndARestartInOrder() throws Exception {
        AtomicBoolean hostUp = new AtomicBoolean(false);
        List<String> delivered = new CopyOnWriteArrayList<>();
        List<Integer> batches = new CopyOnWriteArrayList<>();
        UpdateOutbox.Delivery host = batch -> {
            if (!hostUp.get()) return 0;
            batches.add(batch.size());
            for (UpdateRequest u : batch) delivered.add(u.taskId() + ":" + u.status().wire());
            return batch.size();
        };
        UpdateOutbox first = new UpdateOutbox(dir, host);
        first.add(new UpdateRequest(1L, TaskStatus.RUNNING, null, null, null, null));
        first.add(new UpdateRequest(2L, TaskStatus.RUNNING, null, null, null, null));
        first.add(new UpdateRequest(2L, TaskStatus.PAUSED, null, null, null, null));
        first.add(new UpdateRequest(1L, TaskStatus.FAILED, 3, "boom", null, null));
        Thread.sleep(500);
        assertThat(delivered).isEmpty();
        assertThat(first.pendingTaskIds()).containsExactlyInAnyOrder(1L, 2L);
        first.close(); // the Runner process dies with undelivered updates

        hostUp.set(true);
        UpdateOutbox second = new UpdateOutbox(dir, host);
        assertThat(second.drain(10_000)).isTrue();
        assertThat(delivered).containsExactly("2:running", "2:paused", "1:failed");
        assertThat(batches).as("the three waiting updates went in one delivery").containsExactly(3);
        assertThat(second.pendingTaskIds()).isEmpty();
        second.add(new UpdateRequest(3L, TaskStatus.COMPLETED, 0, null, null, null));
        assertThat(second.drain(10_000)).isTrue();
        assertThat(delivered).endsWith("3:completed");
        second.close();
    }

    @Test void anOutcomeSupersedesItsTasksUndeliveredProgress() throws Exception {
        AtomicBoolean hostUp = new AtomicBoolean(false);
        List<String> delivered = new CopyOnWriteArrayList<>();
        UpdateOutbox box = new UpdateOutbox(dir, batch -> {
            if (!hostUp.get()) return 0;
            for (UpdateRequest u : batch) delivered.add(u.taskId() + ":" + u.status().wire());
            return batch.size();
        });
        box.add(new UpdateRequest(1L, TaskStatus.RUNNING, null, null, T0, null));
        box.add(new UpdateRequest(2L, TaskStatus.RUNNING, null, null, T0, null));
        box.add(new UpdateRequest(1L, TaskStatus.COMPLETED, 0, null, T0, T1));
        // a superseded update that was in flight at that moment goes once its (failing) delivery returns
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> box.pending() == 2);
        hostUp.set(true);
        box.nudge();
        assertThat(box.drain(10_000)).isTrue();
        assertThat(delivered).containsExactly("2:running", "1:completed");
        box.close();
        try (var files = java.nio.file.Files.list(dir)) { assertThat(files.filter(f -> f.toString().endsWith(".json"))).isEmpty(); }
    }

    @Test void aPartlySettledBatchResumesAtTheFirstUnsettledUpdate() throws Exception {
        List<String> delivered = new CopyOnWriteArrayList<>();
        AtomicBoolean refuseFirstCall = new AtomicBoolean(true);
        UpdateOutbox.Delivery host = batch -> {
            int take = refuseFirstCall.getAndSet(false) ? Math.min(1, batch.size()) : batch.size(); // the Host took only one
            for (int i = 0; i < take; i++) delivered.add(batch.get(i).taskId() + ":" + batch.get(i).status().wire());
            return take;
        };
        UpdateOutbox box = new UpdateOutbox(dir, host);
        for (long id = 1; id <= 5; id++) box.add(new UpdateRequest(id, TaskStatus.COMPLETED, 0, null, null, null));
        assertThat(box.drain(10_000)).isTrue();
        assertThat(delivered).containsExactly("1:completed", "2:completed", "3:completed", "4:completed", "5:completed");
        box.close();
    }

    @Test void aBurstCostsOneJournalThatStaysSmallOnceDelivered() throws Exception {
        AtomicBoolean hostUp = new AtomicBoolean(false);
        List<Long> delivered = new CopyOnWriteArrayList<>();
        UpdateOutbox box = new UpdateOutbox(dir, batch -> {
            if (!hostUp.get()) return 0;
            for (UpdateRequest u : batch) delivered.add(u.taskId());
            return batch.size();
        });
        String msg = "x".repeat(500);
        for (long id = 1; id <= 4000; id++) box.add(new UpdateRequest(id, TaskStatus.FAILED, 1, msg, null, null));
        try (var files = java.nio.file.Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).as("one file, not one per update").containsExactly(UpdateOutbox.JOURNAL);
        }
        Path journal = dir.resolve(UpdateOutbox.JOURNAL);
        assertThat(java.nio.file.Files.size(journal)).isGreaterThan(UpdateOutbox.COMPACT_BYTES);
        hostUp.set(true);
        box.nudge();
        assertThat(box.drain(20_000)).isTrue();
        assertThat(delivered).hasSize(4000).isSorted();
        box.add(new UpdateRequest(9999L, TaskStatus.COMPLETED, 0, null, null, null)); // appended to the compacted journal
        assertThat(box.drain(10_000)).isTrue();
        assertThat(java.nio.file.Files.size(journal)).as("compacted once mostly settled").isLessThan(UpdateOutbox.COMPACT_BYTES / 4);
        box.close();
    }

    @Test void aTornLastLineAndOldPerUpdateFilesAreReadAtStartUp() throws Exception {
        // what a Runner killed in the middle of an append leaves, next to files of the version before the journal
        java.nio.file.Files.writeString(dir.resolve(UpdateOutbox.JOURNAL),
                "+3 {\"task_id\":3,\"status\":\"completed\",\"exit_code\":0}\n+4 {\"task_id\":4,\"status\":\"failed\"\n+5 {\"task_id\":5,\"stat");
        java.nio.file.Files.writeString(dir.resolve(String.format("%016d-%d.json", 1, 1)), "{\"task_id\":1,\"status\":\"completed\",\"exit_code\":0}");
        java.nio.file.Files.writeString(dir.resolve(String.format("%016d-%d.json", 2, 2)), "{\"task_id\":2,\"status\":\"killed\"}");
        List<String> delivered = new CopyOnWriteArrayList<>();
        UpdateOutbox box = new UpdateOutbox(dir, batch -> {
            for (UpdateRequest u : batch) delivered.add(u.taskId() + ":" + u.status().wire());
            return batch.size();
        });
        assertThat(box.drain(10_000)).isTrue();
        assertThat(delivered).containsExactly("1:completed", "2:killed", "3:completed");
        box.add(new UpdateRequest(6L, TaskStatus.COMPLETED, 0, null, null, null));
        assertThat(box.drain(10_000)).isTrue();
        assertThat(delivered).endsWith("6:completed").doesNotContain("4:failed");
        box.close();
        try (var files = java.nio.file.Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly(UpdateOutbox.JOURNAL);
        }
    }
}
