package io.hakuriver.host;

import io.hakuriver.api.TaskStatus;
import io.hakuriver.http.ApiException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The queue orders by priority, FIFO within one; backfill and max_running keep working; pending tasks can move. */
class PriorityTest {
    @TempDir Path tmp;
    CoreHarness h;

    @BeforeEach void setUp() { h = new CoreHarness(tmp); }
    @AfterEach void tearDown() { h.close(); }

    private long submit(int cores, int priority) { return h.submit(cores, 1, new RunPolicy(priority), "n1").get(0); }

    /** Completes whatever holds n1 and returns the task that was placed next. */
    private long next(long finishing) {
        h.runToEnd(finishing, 0);
        return h.core.nodesView().stream().filter(n -> n.get("hostname").equals("n1"))
                .flatMap(n -> ((List<?>) n.get("running_tasks")).stream()).map(o -> Long.parseLong((String) o)).findFirst().orElseThrow();
    }

    @Test void higherPriorityStartsFirstAndFifoWithinAPriority() {
        h.register("n1", 1);
        long blocker = submit(1, 0);
        long low = submit(1, 0), high1 = submit(1, 5), mid = submit(1, 2), high2 = submit(1, 5), low2 = submit(1, -3);
        assertThat(h.status(low)).isEqualTo(TaskStatus.PENDING);
        long a = next(blocker), b = next(a), c = next(b), d = next(c), e = next(d);
        assertThat(List.of(a, b, c, d, e)).containsExactly(high1, high2, mid, low, low2);
    }

    @Test void aLowerPriorityTaskStillBackfillsRoomTheHigherOneCannotUse() {
        h.register("n1", 4);
        long blocker = submit(2, 0);
        long big = submit(4, 9);
        long small = submit(1, -5);
        assertThat(h.status(big)).isEqualTo(TaskStatus.PENDING);
        assertThat(h.status(small)).as("backfill").isEqualTo(TaskStatus.ASSIGNING);
        h.runToEnd(blocker, 0);
        h.runToEnd(small, 0);
        assertThat(h.status(big)).isEqualTo(TaskStatus.ASSIGNING);
    }

    @Test void aPendingTasksPriorityCanChangeAndThePlaceSurvivesARestart() {
        h.register("n1", 1);
        long blocker = submit(1, 0);
        long first = submit(1, 0), second = submit(1, 0), third = submit(1, 0);
        h.core.setPriority(third, 7);
        h.core.setPriority(first, -1);
        h.restart();
        h.register("n1", 1);
        assertThat(h.task(third).priority).isEqualTo(7);
        long a = next(blocker), b = next(a), c = next(b);
        assertThat(List.of(a, b, c)).containsExactly(third, second, first);
        assertThatThrownBy(() -> h.core.setPriority(c, 3)).as("placed: too late")
                .satisfies(e -> assertThat(((ApiException) e).status).isEqualTo(409));
        assertThatThrownBy(() -> h.core.setPriority(4242, 3)).satisfies(e -> assertThat(((ApiException) e).status).isEqualTo(404));
    }

    @Test void maxRunningStillLimitsAPrioritisedBatch() {
        h.register("n1", 8);
        var ids = h.submit(1, 4, new RunPolicy(3), new String[0]);
        assertThat(ids.stream().filter(i -> h.status(i) == TaskStatus.ASSIGNING)).hasSize(4);
        var limited = h.core.submit(new HostCore.NewTasks("true", List.of(), List.of(List.of("a"), List.of("b"), List.of("c")),
                java.util.Map.of(), 1, null, List.of(), null, "", null, null, 1), new RunPolicy(9));
        assertThat(limited.created().stream().filter(t -> t.status == TaskStatus.ASSIGNING)).hasSize(1);
    }
}
