package io.hakuriver.host;

import io.hakuriver.api.TaskStatus;
import io.hakuriver.config.ConfigLoader;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.store.Database;
import io.hakuriver.store.NodeRecord;
import io.hakuriver.store.TaskRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Host's queue under bursts, against the real state class and a real SQLite file, with a clock the test
 * moves: no HTTP, no runner; the runner calls the scheduler returns are counted, not sent.
 */
class BackPressureTest {
    @TempDir Path tmp;
    final MovableClock clock = new MovableClock();
    Database db;
    ClusterState state;
    long nextId = 1;

    @BeforeEach void setUp() { open(""); }
    @AfterEach void tearDown() { db.close(); }

    private void open(String toml) {
        HakuConfig cfg = new ConfigLoader(tmp, Map.of(), w -> { }).loadText(
                "[timing]\nheartbeat_interval = 1\nheartbeat_timeout_factor = 5\n" + toml, tmp.resolve("t.toml"));
        db = new Database(tmp.resolve("state.db"));
        state = new ClusterState(cfg, db, clock);
    }

    private void reopen() { db.close(); open(""); }

    private NodeRecord node(String name, int cores, Integer maxTasks) {
        NodeRecord n = new NodeRecord();
        n.hostname = name; n.url = "http://127.0.0.1:1"; n.totalCores = cores; n.memoryTotalBytes = 1L << 34;
        n.status = "online"; n.lastHeartbeat = clock.instant(); n.maxTasks = maxTasks;
        synchronized (state.lock()) { state.putNode(n); }
        return n;
    }

    private List<TaskRecord> submit(int count, int cores) {
        List<TaskRecord> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            TaskRecord t = new TaskRecord();
            t.taskId = nextId++; t.command = "true"; t.arguments = List.of(); t.envVars = Map.of();
            t.requiredCores = cores; t.status = TaskStatus.PENDING; t.submittedAt = clock.instant();
            out.add(t);
        }
        synchronized (state.lock()) { state.enqueue(out); }
        return out;
    }

    private int schedule() { synchronized (state.lock()) { return state.schedule().size(); } }

    private long count(TaskStatus s) {
        synchronized (state.lock()) { return state.activeTasks().stream().filter(t -> t.status == s).count(); }
    }

    private List<TaskRecord> in(TaskStatus s) {
        synchronized (state.lock()) { return state.activeTasks().stream().filter(t -> t.status == s).toList(); }
    }

    @Test void aNodeIsNeverSentMoreUnansweredStartsThanTheWindow() {
        node("n1", 2, 1000);
        submit(2000, 0);
        assertThat(schedule()).isEqualTo(16);
        assertThat(schedule()).isZero();
        assertThat(count(TaskStatus.ASSIGNING)).isEqualTo(16);
        assertThat(state.queued()).isEqualTo(1984);
        synchronized (state.lock()) { for (TaskRecord t : in(TaskStatus.ASSIGNING).subList(0, 5)) state.dispatchAccepted(t, "n1"); }
        assertThat(schedule()).isEqualTo(5);
        assertThat(count(TaskStatus.ASSIGNING)).isEqualTo(21); // accepted ones stay assigning until the runner reports them
    }

    @Test void zeroCoreTasksAreBoundedByTheNodesTaskLimit() {
        node("n1", 2, null); // no announced limit: 4 per core, at least 8
        submit(100, 0);
        assertThat(schedule()).isEqualTo(8);
        synchronized (state.lock()) { for (TaskRecord t : in(TaskStatus.ASSIGNING)) state.dispatchAccepted(t, "n1"); }
        assertThat(schedule()).isZero();
        TaskRecord done = in(TaskStatus.ASSIGNING).get(0);
        synchronized (state.lock()) { state.transition(done, TaskStatus.COMPLETED, r -> r.exitCode = 0); }
        assertThat(schedule()).isEqualTo(1);
        assertThat(count(TaskStatus.ASSIGNING)).isEqualTo(8);
    }

    @Test void aCompletionWithTwentyThousandQueuedCostsWhatItPlacesNotTheQueue() {
        node("n1", 2, 8); // room for 8 tasks by count, but only 2 one-core tasks by cores
        submit(20_000, 1);
        assertThat(schedule()).isEqualTo(2);
        synchronized (state.lock()) { for (TaskRecord t : in(TaskStatus.ASSIGNING)) state.dispatchAccepted(t, "n1"); }
        for (int round = 0; round < 5; round++) {
            TaskRecord done = in(TaskStatus.ASSIGNING).get(0);
            synchronized (state.lock()) { state.transition(done, TaskStatus.COMPLETED, r -> r.exitCode = 0); }
            assertThat(schedule()).isEqualTo(1);
            // the freed core's task, then the next one, which finds no core: every queued task asks the same
            synchronized (state.lock()) { assertThat(state.lastRoundVisited()).isLessThanOrEqualTo(2); }
            synchronized (state.lock()) { for (TaskRecord t : in(TaskStatus.ASSIGNING)) state.dispatchAccepted(t, "n1"); }
        }
        assertThat(count(TaskStatus.PENDING)).isEqualTo(20_000 - 7);
    }

    @Test void aSmallerTaskBehindTheUnplaceableOnesIsStillFound() {
        node("n1", 2, 8);
        submit(5_000, 2);
        TaskRecord small = submit(1, 0).get(0);
        assertThat(schedule()).isEqualTo(2); // one two-core task, then the zero-core one past all the others
        assertThat(small.status).isEqualTo(TaskStatus.ASSIGNING);
        synchronized (state.lock()) { for (TaskRecord t : in(TaskStatus.ASSIGNING)) state.dispatchAccepted(t, "n1"); }
        TaskRecord big = in(TaskStatus.ASSIGNING).stream().filter(t -> t.requiredCores == 2).findFirst().orElseThrow();
        synchronized (state.lock()) { state.transition(big, TaskStatus.COMPLETED, r -> r.exitCode = 0); }
        assertThat(schedule()).isEqualTo(1);
        // with only two-core tasks left in the queue, the round stops at the first that finds no room
        synchronized (state.lock()) { assertThat(state.lastRoundVisited()).isLessThanOrEqualTo(2); }
    }

    @Test void aBusyRunnerPutsTheTaskBackInTheQueueAndTheNodeRestsUntilRetryAfter() {
        node("n1", 4, null);
        TaskRecord t = submit(1, 1).get(0);
        assertThat(schedule()).isEqualTo(1);
        synchronized (state.lock()) { state.dispatchDeferred(t, "n1", "runner busy (429)", Duration.ofSeconds(2)); }
        assertThat(t.status).isEqualTo(TaskStatus.PENDING);
        assertThat(t.assignedNode).isNull();
        assertThat(t.dispatchAttempts).isEqualTo(1);
        assertThat(t.taskId).isEqualTo(1);
        assertThat(schedule()).isZero();                  // node deferred
        clock.advance(Duration.ofMillis(2100));
        synchronized (state.lock()) { state.observeClock(); }
        assertThat(schedule()).isEqualTo(1);
        assertThat(t.status).isEqualTo(TaskStatus.ASSIGNING);
        assertThat(state.tasks.find(1).orElseThrow().dispatchAttempts).isEqualTo(1); // written through
    }

    @Test void aDefiniteRefusalFailsTheTaskWithTheRunnersWords() {
        node("n1", 4, null);
        TaskRecord t = submit(1, 1).get(0);
        schedule();
        synchronized (state.lock()) { state.dispatchRefused(t, "n1", "400 - Privileged containers are disabled on this node"); }
        assertThat(t.status).isEqualTo(TaskStatus.FAILED);
        assertThat(t.errorMessage).isEqualTo("Runner n1 rejected the task: 400 - Privileged containers are disabled on this node");
        synchronized (state.lock()) { assertThat(Placement.freeCores(state.node("n1"), state.usage("n1"))).isEqualTo(4); }
    }

    @Test void lateOutcomesOfAKilledTaskChangeNothing() {
        node("n1", 4, null);
        TaskRecord t = submit(1, 1).get(0);
        schedule();
        synchronized (state.lock()) {
            state.transition(t, TaskStatus.KILLED, null);
            state.dispatchDeferred(t, "n1", "busy", Duration.ofSeconds(1));
            state.dispatchRefused(t, "n1", "nope");
            assertThat(state.stillDispatching(t, "n1")).isFalse();
        }
        assertThat(t.status).isEqualTo(TaskStatus.KILLED);
        assertThat(state.illegalTransitions()).isZero();
    }

    @Test void anOfflineNodeRequeuesItsAssigningTasksAndLosesItsRunningOnes() {
        node("n1", 4, null);
        List<TaskRecord> ts = submit(3, 1);
        schedule();
        synchronized (state.lock()) {
            state.transition(ts.get(0), TaskStatus.RUNNING, null);
            clock.advance(Duration.ofSeconds(6));
            state.expireNodes();
        }
        assertThat(state.node("n1").online()).isFalse();
        assertThat(ts.get(0).status).isEqualTo(TaskStatus.LOST);
        assertThat(ts.get(1).status).isEqualTo(TaskStatus.PENDING);
        assertThat(ts.get(2).status).isEqualTo(TaskStatus.PENDING);
        node("n2", 4, null);
        assertThat(schedule()).isEqualTo(2);
        assertThat(ts.get(1).assignedNode).isEqualTo("n2");
    }

    @Test void aHostThatWasFrozenGivesNodesAFreshTimeoutInsteadOfBlamingThem() {
        node("n1", 4, null);
        synchronized (state.lock()) {
            clock.advance(Duration.ofSeconds(20)); // the Host was stopped for 20 s; n1 kept beating into the void
            state.observeClock();
            state.expireNodes();
        }
        assertThat(state.node("n1").online()).isTrue();
        synchronized (state.lock()) {
            clock.advance(Duration.ofSeconds(2)); state.observeClock();
            clock.advance(Duration.ofSeconds(2)); state.observeClock();
            clock.advance(Duration.ofSeconds(2)); state.observeClock();
            state.expireNodes(); // now it really was silent for 6 s while the Host ran
        }
        assertThat(state.node("n1").online()).isFalse();
    }

    @Test void aRestartedHostSendsEveryAssigningTaskAgain() {
        node("n1", 4, null);
        submit(3, 1);
        assertThat(schedule()).isEqualTo(3);
        reopen();
        List<Runnable> resend;
        synchronized (state.lock()) { resend = state.resumeAssigning(); }
        assertThat(resend).hasSize(3);
        assertThat(count(TaskStatus.ASSIGNING)).isEqualTo(3);
        synchronized (state.lock()) { assertThat(state.usage("n1").inFlight).isEqualTo(3); assertThat(state.usage("n1").cores).isEqualTo(3); }
    }

    @Test void aRunnerThatRunsATaskQueuedAgainKeepsIt() {
        NodeRecord n1 = node("n1", 4, null);
        node("n2", 1, null);
        TaskRecord t = submit(1, 4).get(0);
        schedule();
        synchronized (state.lock()) {
            state.dispatchDeferred(t, "n1", "no answer", Duration.ZERO);
            assertThat(t.status).isEqualTo(TaskStatus.PENDING);
            state.reconcile(n1, Set.of(t.taskId), Set.of(), true);
        }
        assertThat(t.status).isEqualTo(TaskStatus.RUNNING);
        assertThat(t.assignedNode).isEqualTo("n1");
        assertThat(state.queued()).isZero();
        synchronized (state.lock()) { assertThat(state.usage("n1").cores).isEqualTo(4); }
    }

    @Test void anAcceptedStartTheRunnerNeverReportsGoesBackToTheQueueNotToFailed() {
        NodeRecord n1 = node("n1", 4, null);
        TaskRecord t = submit(1, 1).get(0);
        schedule();
        synchronized (state.lock()) {
            state.dispatchAccepted(t, "n1");
            for (int i = 0; i < 4; i++) { clock.advance(Duration.ofSeconds(2)); state.reconcile(n1, Set.of(), Set.of(), true); }
        }
        assertThat(t.status).isEqualTo(TaskStatus.PENDING);
        assertThat(t.dispatchAttempts).isEqualTo(1);
    }

    /** A clock the test moves by hand. */
    static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");
        void advance(Duration d) { now = now.plus(d); }
        @Override public Instant instant() { return now; }
        @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    }
}
