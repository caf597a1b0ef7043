package io.hakuriver.host;

import io.hakuriver.api.TaskStatus;
import io.hakuriver.http.ApiException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The dependency graph in the core: --after, --after-any, batches as parents, failure chains, restarts. */
class DependencyTest {
    @TempDir Path tmp;
    CoreHarness h;

    @BeforeEach void setUp() { h = new CoreHarness(tmp); h.register("n1", 8); }
    @AfterEach void tearDown() { h.close(); }

    private long after(long... parents) { return h.submit(1, 1, RunPolicy.after(ids(parents))).get(0); }
    private long afterAny(long... parents) { return h.submit(1, 1, RunPolicy.afterAny(ids(parents))).get(0); }
    private static List<Long> ids(long... v) { List<Long> l = new ArrayList<>(); for (long x : v) l.add(x); return l; }

    @Test void aPipelineRunsStageByStageAndAFailedStageEndsTheRestNamingIt() {
        long pre = h.submit(1);
        long train = after(pre);
        long eval = after(train);
        assertThat(h.status(train)).isEqualTo(TaskStatus.PENDING);
        assertThat(h.task(train).errorMessage).isEqualTo("Waiting for " + pre + " to complete (--after)");
        assertThat(h.core.counts().get("tasks_queued")).as("waiting tasks are not in the queue").isEqualTo(0);
        h.callsSent();

        h.runToEnd(pre, 0);
        assertThat(h.status(train)).isEqualTo(TaskStatus.ASSIGNING);
        assertThat(h.task(train).errorMessage).isNull();
        assertThat(h.status(eval)).isEqualTo(TaskStatus.PENDING);

        h.runToEnd(train, 3);
        assertThat(h.status(eval)).isEqualTo(TaskStatus.FAILED);
        assertThat(h.task(eval).errorMessage).isEqualTo("Dependency " + train + " ended as failed (exit code 3); this task did not run.");
        assertThat(h.task(eval).assignedNode).isNull();
        assertThat(h.task(eval).startedAt).isNull();
    }

    @Test void aBatchIdMeansEveryElementAndOneFailureIsNamed() {
        List<Long> sweep = h.submit(1, 3, RunPolicy.NONE);
        long batch = h.task(sweep.get(0)).batchId;
        long eval = after(batch);
        long report = afterAny(batch);
        h.runToEnd(sweep.get(0), 0);
        h.runToEnd(sweep.get(2), 0);
        assertThat(h.status(eval)).isEqualTo(TaskStatus.PENDING);
        h.runToEnd(sweep.get(1), 1);
        assertThat(h.status(eval)).isEqualTo(TaskStatus.FAILED);
        assertThat(h.task(eval).errorMessage).isEqualTo("Dependency batch " + batch + ": its task " + sweep.get(1)
                + " ended as failed (exit code 1); this task did not run.");
        assertThat(h.status(report)).as("--after-any runs whatever the outcome").isEqualTo(TaskStatus.ASSIGNING);
    }

    @Test void aKilledParentEndsItsDependentsAndAWaitingTaskCanBeKilledWithoutARunner() {
        long parent = h.submit(1);
        long child = after(parent);
        long other = after(parent);
        h.callsSent();
        h.core.kill(other);
        assertThat(h.status(other)).isEqualTo(TaskStatus.KILLED);
        assertThat(h.callsSent()).as("a waiting task is on no node").isZero();
        h.core.kill(parent);
        assertThat(h.status(child)).isEqualTo(TaskStatus.FAILED);
        assertThat(h.task(child).errorMessage).contains("Dependency " + parent + " ended as killed");
        assertThat(h.status(other)).as("stays killed").isEqualTo(TaskStatus.KILLED);
    }

    @Test void endedParentsAreKnownAtSubmitAndUnknownIdsAre422() {
        long done = h.submit(1);
        h.runToEnd(done, 0);
        long bad = h.submit(1);
        h.runToEnd(bad, 2);
        assertThat(h.status(after(done, done))).as("already met: queued at once").isEqualTo(TaskStatus.ASSIGNING);
        long never = after(done, bad);
        assertThat(h.status(never)).isEqualTo(TaskStatus.FAILED);
        assertThat(h.task(never).errorMessage).contains("Dependency " + bad + " ended as failed (exit code 2)");
        assertThat(h.status(afterAny(done, bad))).isEqualTo(TaskStatus.ASSIGNING);
        assertThatThrownBy(() -> after(done, 4242)).satisfies(e -> {
            assertThat(((ApiException) e).status).isEqualTo(422);
            assertThat(String.valueOf(((ApiException) e).detail)).contains("Unknown task or batch id 4242").contains("cycle");
        });
    }

    @Test void aLongChainFailsWholeWithoutRecursion() {
        long head = h.submit(1);
        long prev = head;
        List<Long> chain = new ArrayList<>();
        for (int i = 0; i < 2000; i++) { prev = after(prev); chain.add(prev); }
        h.runToEnd(head, 9);
        assertThat(h.status(chain.get(chain.size() - 1))).isEqualTo(TaskStatus.FAILED);
        assertThat(h.task(chain.get(chain.size() - 1)).errorMessage).contains("Dependency " + chain.get(chain.size() - 2));
    }

    @Test void dependenciesSurviveAHostRestart() {
        long a = h.submit(1), b = h.submit(1);
        long both = after(a, b);
        long anyOf = afterAny(a);
        h.runToEnd(a, 0);
        assertThat(h.task(both).errorMessage).isEqualTo("Waiting for " + b + " to complete (--after)");
        assertThat(h.status(anyOf)).isEqualTo(TaskStatus.ASSIGNING);
        h.restart();
        h.register("n1", 8);
        assertThat(h.status(both)).isEqualTo(TaskStatus.PENDING);
        assertThat(h.task(both).dependsOn).containsExactly(a, b);
        h.accepted(b);
        h.update(b, TaskStatus.RUNNING, null);
        h.update(b, TaskStatus.COMPLETED, 0);
        assertThat(h.status(both)).isEqualTo(TaskStatus.ASSIGNING);
    }

    @Test void aParentThatEndedWhileTheHostWasDownIsSeenAtStartUp() {
        long a = h.submit(1);
        long child = after(a);
        h.accepted(a);
        h.update(a, TaskStatus.RUNNING, null);
        h.update(a, TaskStatus.FAILED, 4);
        assertThat(h.status(child)).isEqualTo(TaskStatus.FAILED);
        long b = h.submit(1);
        long waits = after(b);
        h.restart();
        h.register("n1", 8);
        assertThat(h.status(waits)).isEqualTo(TaskStatus.PENDING);
        assertThat(h.core.counts().get("tasks_queued")).isEqualTo(0);
    }
}
