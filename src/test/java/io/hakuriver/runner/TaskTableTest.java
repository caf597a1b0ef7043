package io.hakuriver.runner;

import io.hakuriver.runner.TaskTable.Entry;
import io.hakuriver.runner.TaskTable.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;

/** The task table's journal: what a new process reads back after a stop, a kill -9, many changes, an upgrade. */
class TaskTableTest {
    @TempDir Path dir;

    private static Entry running(long id) { return new Entry(id, "process", id + ":0:/x/" + id + ".exit", State.RUNNING, "2026-12-01T10:00:00Z"); }

    @Test void changesAreReadBackByTheNextProcess() throws Exception {
        try (TaskTable t = new TaskTable(dir)) {
            t.put(new Entry(1, null, null, State.STARTING, "s1"));
            t.put(running(1));
            t.put(running(2));
            t.setState(2, State.PAUSED);
            t.put(running(3));
            t.remove(3);
            assertThat(t.add(running(2))).isFalse();
        }
        try (TaskTable t = new TaskTable(dir)) {
            assertThat(t.all()).containsExactly(running(1), running(2).with(State.PAUSED));
        }
    }

    @Test void aTornLastLineIsIgnoredAndTheRestKept() throws Exception {
        try (TaskTable t = new TaskTable(dir)) {
            t.put(running(1));
            t.put(running(2));
        }
        // kill -9 in the middle of an append
        Files.writeString(dir.resolve("tasks.journal"), "{\"op\":\"remove\",\"task_i", StandardOpenOption.APPEND);
        try (TaskTable t = new TaskTable(dir)) {
            assertThat(t.all()).containsExactly(running(1), running(2));
            t.remove(1); // the journal was rewritten at start-up: new lines do not follow the torn one
        }
        try (TaskTable t = new TaskTable(dir)) {
            assertThat(t.all()).containsExactly(running(2));
        }
        assertThat(Files.readAllLines(dir.resolve("tasks.journal"))).hasSize(1);
    }

    @Test void aDamagedLineInTheMiddleLosesOnlyThatChange() throws Exception {
        try (TaskTable t = new TaskTable(dir)) { t.put(running(1)); }
        Files.writeString(dir.resolve("tasks.journal"), "garbage\n{\"op\":\"put\",\"entry\":{\"task_id\":2,\"backend\":\"process\",\"handle\":\"2:0:/x/2.exit\",\"state\":\"RUNNING\",\"started_at\":\"2026-12-01T10:00:00Z\"}}\n",
                StandardOpenOption.APPEND);
        try (TaskTable t = new TaskTable(dir)) {
            assertThat(t.all()).containsExactly(running(1), running(2));
        }
    }

    @Test void theJournalIsCompactedAndStaysSmall() throws Exception {
        try (TaskTable t = new TaskTable(dir)) {
            t.put(running(0)); // one task stays for good
            for (long id = 1; id <= 5_000; id++) {
                t.put(new Entry(id, null, null, State.STARTING, "s"));
                t.put(running(id));
                t.remove(id);
                assertThat(t.journalLines()).isLessThanOrEqualTo((long) TaskTable.COMPACT_FACTOR * TaskTable.COMPACT_MIN_LIVE + 1);
            }
            assertThat(Files.readAllLines(dir.resolve("tasks.journal"))).hasSize((int) t.journalLines());
        }
        try (TaskTable t = new TaskTable(dir)) {
            assertThat(t.all()).containsExactly(running(0));
            assertThat(t.journalLines()).isEqualTo(1);
        }
    }

    @Test void theEarlierTasksJsonIsReadOnceAndReplaced() throws Exception {
        Files.writeString(dir.resolve("tasks.json"), """
            [{"task_id":7,"backend":"process","handle":"7:0:/x/7.exit","state":"RUNNING","started_at":"2026-12-01T10:00:00Z"},
             {"task_id":8,"backend":null,"handle":null,"state":"STARTING","started_at":"s8"}]""");
        try (TaskTable t = new TaskTable(dir)) {
            assertThat(t.all()).containsExactly(running(7), new Entry(8, null, null, State.STARTING, "s8"));
            t.remove(8);
        }
        assertThat(dir.resolve("tasks.json")).doesNotExist();
        try (TaskTable t = new TaskTable(dir)) {
            assertThat(t.all()).containsExactly(running(7));
        }
    }
}
