package io.hakuriver.host;

import io.hakuriver.api.TaskStatus;
import io.hakuriver.http.ApiException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A drained node takes no new tasks, finishes what it holds, and stays drained across heartbeats and restarts. */
class DrainTest {
    @TempDir Path tmp;
    CoreHarness h;

    @BeforeEach void setUp() { h = new CoreHarness(tmp); }
    @AfterEach void tearDown() { h.close(); }

    @Test void aDrainedNodeTakesNoNewTasksButFinishesItsOwn() {
        h.register("n1", 4);
        h.register("n2", 4);
        long running = h.submit(1, "n1");
        h.accepted(running);
        h.update(running, TaskStatus.RUNNING, null);
        var view = h.core.drain("n1", true);
        assertThat(view.get("drain_state")).isEqualTo("draining");

        long targeted = h.submit(1, "n1");
        assertThat(h.status(targeted)).as("waits for the drain to end").isEqualTo(TaskStatus.PENDING);
        long auto = h.submit(1);
        assertThat(h.task(auto).assignedNode).as("auto-selection avoids the drained node").isEqualTo("n2");

        h.update(running, TaskStatus.COMPLETED, 0);
        assertThat(h.status(running)).isEqualTo(TaskStatus.COMPLETED);
        assertThat(h.core.nodesView().stream().filter(n -> n.get("hostname").equals("n1")).findFirst().orElseThrow()
                .get("drain_state")).isEqualTo("drained");
        assertThat(h.status(targeted)).isEqualTo(TaskStatus.PENDING);

        h.core.drain("n1", false);
        assertThat(h.status(targeted)).as("undrain lets the queue in").isEqualTo(TaskStatus.ASSIGNING);
        assertThat(h.task(targeted).assignedNode).isEqualTo("n1");
    }

    @Test void theDrainSurvivesHeartbeatsRegistrationsAndHostRestarts() {
        h.register("n1", 4);
        h.core.drain("n1", true);
        h.beat("n1", List.of());
        h.register("n1", 4); // the Runner restarted
        assertThat(h.node("n1").drain).isTrue();
        for (int i = 0; i < 6; i++) { h.clock.advance(Duration.ofSeconds(1)); h.core.periodic(true); }
        assertThat(h.node("n1").online()).isFalse();
        h.beat("n1", List.of()); // back online, still drained
        h.restart();
        assertThat(h.node("n1").drain).isTrue();
        long t = h.submit(1, "n1");
        assertThat(h.status(t)).isEqualTo(TaskStatus.PENDING);
        h.core.drain("n1", false);
        h.restart();
        assertThat(h.node("n1").drain).isFalse();
    }

    @Test void anUnknownNodeIs404() {
        assertThatThrownBy(() -> h.core.drain("ghost", true))
                .satisfies(e -> assertThat(((ApiException) e).status).isEqualTo(404));
    }
}
