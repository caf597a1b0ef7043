package io.hakuriver.host;

import io.hakuriver.api.TaskStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every task keeps its events, and a pending task says why it waits. */
class HistoryTest {
    @TempDir Path tmp;
    CoreHarness h;

    @BeforeEach void setUp() { h = new CoreHarness(tmp); }
    @AfterEach void tearDown() { h.close(); }

    private List<String> events(long id) {
        return h.core.history(id).events().stream().map(e -> e.event() + (e.detail() == null ? "" : " " + e.detail())).toList();
    }

    @Test void aRetriedTaskTellsItsWholeStory() {
        h.register("n1", 4);
        long id = h.submit(1, 1, RunPolicy.retries(1, 5, null)).get(0);
        h.runToEnd(id, 3);
        for (int i = 0; i < 6; i++) { h.clock.advance(Duration.ofSeconds(1)); h.beat("n1", List.of()); h.core.periodic(true); }
        h.runToEnd(id, 0);
        assertThat(events(id)).containsExactly(
                "submitted up to 1 retry",
                "assigned to n1",
                "started on n1",
                "requeued Attempt 1 on n1 failed with exit code 3; attempt 2 of 2 starts after a back-off of 5 s",
                "queued back-off over: attempt 2",
                "assigned to n1 (attempt 2)",
                "started on n1",
                "completed exit code 0 on n1");
        h.restart();
        assertThat(events(id)).as("kept on disk").hasSize(8);
    }

    @Test void aLostAndReconciledTaskAndAKilledOne() {
        h.register("n1", 4);
        long id = h.submit(1);
        h.accepted(id);
        h.update(id, TaskStatus.RUNNING, null);
        for (int i = 0; i < 6; i++) { h.clock.advance(Duration.ofSeconds(1)); h.core.periodic(true); }
        h.beat("n1", List.of(id));
        h.core.kill(id);
        assertThat(events(id)).extracting(s -> s.split(" ")[0])
                .containsExactly("submitted", "assigned", "started", "lost", "reconciled", "killed");
        assertThat(events(id).get(3)).contains("went offline");
    }

    @Test void aPendingTaskSaysWhyItWaits() {
        h.register("n1", 2);
        long big = h.submit(2, "n1");
        long waiting = h.submit(2, "n1");
        long auto = h.submit(2);
        assertThat(h.core.history(waiting).whyPending())
                .isEqualTo("Queued: node n1 has 0 free cores; it needs 2; first in the queue");
        assertThat(h.core.history(auto).whyPending())
                .isEqualTo("Queued: no node has room: it needs 2 cores, the most free on one node is 0; 1 queued task ahead of it");
        h.core.drain("n1", true);
        assertThat(h.core.history(waiting).whyPending()).startsWith("Queued: its target node n1 is drained");
        long child = h.submit(1, 1, RunPolicy.after(List.of(big))).get(0);
        assertThat(h.core.history(child).whyPending()).isEqualTo("Waiting for " + big + " to complete (--after)");
        assertThat(h.core.history(big).whyPending()).as("not pending").isNull();
    }
}
