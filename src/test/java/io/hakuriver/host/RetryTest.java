package io.hakuriver.host;

import io.hakuriver.api.TaskStatus;
import io.hakuriver.store.TaskRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The retry policy in the core: back-off, exit codes, lost tasks after the grace period, one surviving attempt. */
class RetryTest {
    @TempDir Path tmp;
    CoreHarness h;

    @BeforeEach void setUp() { h = new CoreHarness(tmp, "lost_requeue_grace = 10\n"); }
    @AfterEach void tearDown() { h.close(); }

    private long submit(int retries, int delay, List<Integer> on, String... targets) {
        return h.submit(1, 1, RunPolicy.retries(retries, delay, on), targets).get(0);
    }

    private void tick(int seconds) {
        for (int i = 0; i < seconds; i++) { h.clock.advance(Duration.ofSeconds(1)); h.core.periodic(true); }
    }

    /** Keeps the named nodes alive for {@code seconds} (one heartbeat per second each, reporting {@code running}). */
    private void live(int seconds, List<Long> running, String... nodes) {
        for (int i = 0; i < seconds; i++) {
            for (String n : nodes) h.beat(n, running);
            tick(1);
        }
    }

    @Test void aTaskThatFailsTwiceThenSucceedsKeepsEveryAttemptWithBackOff() {
        h.register("n1", 4);
        long id = submit(3, 10, null);
        h.runToEnd(id, 1);
        TaskRecord t = h.task(id);
        assertThat(t.status).isEqualTo(TaskStatus.PENDING);
        assertThat(t.attempt).isEqualTo(2);
        assertThat(t.errorMessage).isEqualTo("Attempt 1 on n1 failed with exit code 1; attempt 2 of 4 starts after a back-off of 10 s");
        live(9, List.of(), "n1");
        assertThat(h.status(id)).as("still in its back-off").isEqualTo(TaskStatus.PENDING);
        live(2, List.of(), "n1");
        assertThat(h.status(id)).isEqualTo(TaskStatus.ASSIGNING);
        assertThat(h.task(id).errorMessage).isNull();
        h.runToEnd(id, 1);
        assertThat(h.task(id).errorMessage).contains("back-off of 20 s");
        live(21, List.of(), "n1");
        h.runToEnd(id, 0);
        assertThat(h.status(id)).isEqualTo(TaskStatus.COMPLETED);
        assertThat(h.task(id).attempt).isEqualTo(3);
        var attempts = h.core.attempts(id);
        assertThat(attempts).extracting(a -> a.attempt() + ":" + a.status() + ":" + a.exitCode() + ":" + a.node())
                .containsExactly("1:failed:1:n1", "2:failed:1:n1");
    }

    @Test void onlyListedExitCodesAreRetriedAndTheLastAttemptsFailureStands() {
        h.register("n1", 4);
        long only3 = submit(2, 0, List.of(3));
        h.runToEnd(only3, 2);
        assertThat(h.status(only3)).isEqualTo(TaskStatus.FAILED);
        long once = submit(1, 0, null);
        h.runToEnd(once, 5);
        assertThat(h.status(once)).as("delay 0: queued again at once").isEqualTo(TaskStatus.ASSIGNING);
        h.runToEnd(once, 5);
        assertThat(h.status(once)).isEqualTo(TaskStatus.FAILED);
        assertThat(h.task(once).exitCode).isEqualTo(5);
        long killed = submit(3, 0, null);
        h.accepted(killed);
        h.update(killed, TaskStatus.RUNNING, null);
        h.core.kill(killed);
        assertThat(h.status(killed)).as("a kill is never retried").isEqualTo(TaskStatus.KILLED);
    }

    @Test void dependentsWaitForTheLastAttempt() {
        h.register("n1", 4);
        long parent = submit(1, 0, null);
        long child = h.submit(1, 1, RunPolicy.after(List.of(parent))).get(0);
        h.runToEnd(parent, 1);
        assertThat(h.status(child)).isEqualTo(TaskStatus.PENDING);
        assertThat(h.task(child).errorMessage).startsWith("Waiting for");
        h.runToEnd(parent, 0);
        assertThat(h.status(child)).isEqualTo(TaskStatus.ASSIGNING);
    }

    @Test void aBlipShorterThanTheGraceDoesNotRunATaskTwice() {
        h.register("n1", 4);
        long id = submit(2, 0, null);
        h.accepted(id);
        h.update(id, TaskStatus.RUNNING, null);
        tick(6); // offline after 5 s: lost
        assertThat(h.status(id)).isEqualTo(TaskStatus.LOST);
        tick(5);
        h.beat("n1", List.of(id));
        assertThat(h.status(id)).isEqualTo(TaskStatus.RUNNING);
        assertThat(h.task(id).attempt).isEqualTo(1);
        assertThat(h.core.attempts(id)).isEmpty();
    }

    @Test void aLostTaskRunsElsewhereAfterTheGraceAndTheOldCopyIsKilledAndIgnored() {
        h.register("n1", 4);
        long id = submit(2, 0, null, new String[0]);
        assertThat(h.task(id).assignedNode).isEqualTo("n1");
        h.accepted(id);
        h.update(id, TaskStatus.RUNNING, null);
        h.register("n2", 4);
        live(6, List.of(), "n2"); // n1 goes silent
        assertThat(h.status(id)).isEqualTo(TaskStatus.LOST);
        live(10, List.of(), "n2");
        TaskRecord t = h.task(id);
        assertThat(t.attempt).isEqualTo(2);
        assertThat(t.assignedNode).isEqualTo("n2");
        h.accepted(id);
        h.update(id, TaskStatus.RUNNING, null);
        h.callsSent();
        h.beat("n1", List.of(id)); // back, still running the old attempt
        assertThat(h.callsSent()).as("kill of the copy on n1").isEqualTo(1);
        String said = h.core.runnerUpdate(new HostCore.Update(id, TaskStatus.KILLED, -9, null, null, h.clock.instant()), "n1");
        assertThat(said).contains("runs on n2").contains("ignored");
        assertThat(h.status(id)).isEqualTo(TaskStatus.RUNNING);
        h.core.runnerUpdate(new HostCore.Update(id, TaskStatus.COMPLETED, 0, null, null, h.clock.instant()), "n2");
        assertThat(h.status(id)).isEqualTo(TaskStatus.COMPLETED);
        assertThat(h.core.attempts(id)).extracting(a -> a.attempt() + ":" + a.status() + ":" + a.node()).containsExactly("1:lost:n1");
        h.callsSent();
        h.beat("n1", List.of(id)); // the kill has not arrived yet: the old copy must not be left to finish
        assertThat(h.callsSent()).isEqualTo(1);
        h.beat("n1", List.of());
        h.beat("n1", List.of(id));
        assertThat(h.callsSent()).as("gone once n1 stopped reporting it").isZero();
    }

    @Test void theOldAttemptStaysWhenTheNextOneHasNotStarted() {
        h.register("n1", 4);
        long id = submit(2, 0, null, "n1");
        h.accepted(id);
        h.update(id, TaskStatus.RUNNING, null);
        tick(16);
        assertThat(h.status(id)).as("queued again, but n1 is its target and offline").isEqualTo(TaskStatus.PENDING);
        assertThat(h.task(id).attempt).isEqualTo(2);
        h.callsSent();
        h.beat("n1", List.of(id));
        TaskRecord t = h.task(id);
        assertThat(t.status).isEqualTo(TaskStatus.RUNNING);
        assertThat(t.attempt).as("the queued attempt was cancelled").isEqualTo(1);
        assertThat(h.core.attempts(id)).isEmpty();
        assertThat(h.callsSent()).as("nothing killed, nothing started").isZero();
    }

    @Test void aBackOffSurvivesAHostRestart() {
        h.register("n1", 4);
        long id = submit(1, 30, null);
        h.runToEnd(id, 1);
        h.restart();
        h.register("n1", 4);
        live(5, List.of(), "n1");
        assertThat(h.status(id)).isEqualTo(TaskStatus.PENDING);
        live(26, List.of(), "n1");
        assertThat(h.status(id)).isEqualTo(TaskStatus.ASSIGNING);
        assertThat(h.task(id).attempt).isEqualTo(2);
    }

    @Test void theBackOffDoublesUpToAnHour() {
        TaskRecord t = new TaskRecord();
        t.retryDelay = 10;
        assertThat(List.of(RetryRules.backoffSeconds(t, 1), RetryRules.backoffSeconds(t, 2), RetryRules.backoffSeconds(t, 3),
                RetryRules.backoffSeconds(t, 12))).containsExactly(10L, 20L, 40L, 3600L);
        t.retryDelay = 0;
        assertThat(RetryRules.backoffSeconds(t, 5)).isZero();
    }
}
