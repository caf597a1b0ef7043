package io.hakuriver.host;

import io.hakuriver.api.RegisterRequest;
import io.hakuriver.api.TaskStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Placing tasks on a full node to start when room frees (its Runner holds them): only where short tasks turn over,
 * at most a node's worth, reserving their cores only once the Host sees the room free, in the order placed.
 */
class WhenRoomPlacementTest {
    @TempDir Path tmp;
    CoreHarness h;

    @BeforeEach void setUp() { h = new CoreHarness(tmp); }
    @AfterEach void tearDown() { h.close(); }

    private void register(String name, int cores, boolean takesWhenRoom) {
        h.core.register(new RegisterRequest(name, cores, 16L << 30, "http://127.0.0.1:9/" + name, null, null, null, null, null,
                takesWhenRoom ? Boolean.TRUE : null));
    }

    private List<Long> waiting(List<Long> ids) { return ids.stream().filter(id -> h.task(id).startsWhenRoom).toList(); }
    private List<Long> inStatus(List<Long> ids, TaskStatus s) { return ids.stream().filter(id -> h.status(id) == s).toList(); }

    @Test void aNodeTurningOverShortTasksGetsANodesWorthPlacedWhenRoomWhichTakeTheRoomInOrder() {
        register("n1", 2, true);
        List<Long> ids = h.submit(1, 8, RunPolicy.NONE);
        assertThat(inStatus(ids, TaskStatus.ASSIGNING)).as("no short task ended yet: only what fits").containsExactly(ids.get(0), ids.get(1));

        h.runToEnd(ids.get(0), 0); // a short task ended: the node turns over
        assertThat(inStatus(ids, TaskStatus.ASSIGNING)).containsExactly(ids.get(1), ids.get(2), ids.get(3), ids.get(4));
        assertThat(waiting(ids)).as("two cores' worth wait on the node").containsExactly(ids.get(3), ids.get(4));

        h.runToEnd(ids.get(1), 0); // its room goes to the first waiting task, and one more is placed to wait
        assertThat(h.task(ids.get(3)).startsWhenRoom).isFalse();
        assertThat(waiting(ids)).containsExactly(ids.get(4), ids.get(5));
        assertThat(inStatus(ids, TaskStatus.PENDING)).containsExactly(ids.get(6), ids.get(7));

        // a waiting task the Runner started before the Host saw room (its report of running came first) keeps waiting
        h.accepted(ids.get(4));
        h.update(ids.get(4), TaskStatus.RUNNING, null);
        assertThat(h.task(ids.get(4)).startsWhenRoom).isTrue();
        h.runToEnd(ids.get(2), 0);
        assertThat(h.task(ids.get(4)).startsWhenRoom).as("now it holds its core").isFalse();
        assertThat(waiting(ids)).containsExactly(ids.get(5), ids.get(6));

        // killed while waiting: it gives back its place, and nothing it never had
        h.core.kill(ids.get(5));
        assertThat(h.status(ids.get(5))).isEqualTo(TaskStatus.KILLED);
        assertThat(waiting(ids)).containsExactly(ids.get(6), ids.get(7));
        for (long id : List.of(ids.get(3), ids.get(4), ids.get(6), ids.get(7))) h.runToEnd(id, 0);
        assertThat(inStatus(ids, TaskStatus.COMPLETED)).hasSize(7);
        assertThat(h.core.nodesView().get(0).get("cores_in_use")).isEqualTo(0);
    }

    @Test void noneGoToANodeRunningLongTasksNorToARunnerThatDoesNotTakeThem() {
        register("slow", 2, true);
        register("old", 2, false);
        List<Long> a = h.submit(1, 4, RunPolicy.NONE);
        assertThat(inStatus(a, TaskStatus.ASSIGNING)).hasSize(4);
        for (long id : a) { h.accepted(id); h.update(id, TaskStatus.RUNNING, null); }
        h.clock.advance(Duration.ofSeconds(5)); // they ran 5 s: long tasks
        h.update(on("slow", a), TaskStatus.COMPLETED, 0);
        List<Long> b = h.submit(1, 4, RunPolicy.NONE);
        assertThat(inStatus(b, TaskStatus.ASSIGNING)).as("the freed core only").hasSize(1);
        assertThat(waiting(b)).as("a long task ended on slow: nothing waits behind the other").isEmpty();

        h.update(on("old", a), TaskStatus.COMPLETED, 0);
        h.runToEnd(on("old", b), 0); // a short task ended on old, whose Runner does not take when_room starts
        assertThat(inStatus(b, TaskStatus.PENDING)).hasSize(1);
        assertThat(waiting(b)).isEmpty();
    }

    private long on(String node, List<Long> ids) {
        return ids.stream().filter(id -> node.equals(h.task(id).assignedNode) && !h.status(id).isFinal()).findFirst().orElseThrow();
    }

    @Test void aWaitingTaskDeferredByItsRunnerGoesBackToTheQueueWithoutTheFlag() {
        register("n1", 1, true);
        List<Long> ids = h.submit(1, 3, RunPolicy.NONE);
        h.runToEnd(ids.get(0), 0);
        assertThat(waiting(ids)).containsExactly(ids.get(2));
        h.core.dispatchAnswered(h.node("n1"), h.task(ids.get(2)), DispatchOutcome.of(429, "{\"detail\":\"busy\"}", "1"), 1);
        assertThat(h.status(ids.get(2))).isEqualTo(TaskStatus.PENDING);
        assertThat(h.task(ids.get(2)).startsWhenRoom).isFalse();
        h.runToEnd(ids.get(1), 0);
        h.clock.advance(Duration.ofSeconds(2));
        h.core.periodic(false);
        assertThat(h.status(ids.get(2))).isEqualTo(TaskStatus.ASSIGNING);
        assertThat(h.task(ids.get(2)).startsWhenRoom).as("the room is free now: a plain placement").isFalse();
    }
}
