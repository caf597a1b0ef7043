package io.hakuriver.host;

import io.hakuriver.api.HeartbeatRequest;
import io.hakuriver.api.RegisterRequest;
import io.hakuriver.api.TaskStatus;
import io.hakuriver.config.ConfigLoader;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.http.ApiException;
import io.hakuriver.store.Database;
import io.hakuriver.store.NodeRecord;
import io.hakuriver.store.TaskRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The task lifecycle through the Host's one door, with a clock the test moves and a real SQLite file; runner calls
 * are collected instead of sent, and runners' answers are fed back as the Runner would give them.
 */
class HostCoreTest {
    @TempDir Path tmp;
    final BackPressureTest.MovableClock clock = new BackPressureTest.MovableClock();
    final List<List<Runnable>> sent = new ArrayList<>();
    HostCore core;

    @BeforeEach void setUp() { open(); }
    @AfterEach void tearDown() { core.close(); }

    private void open() {
        HakuConfig cfg = new ConfigLoader(tmp, Map.of(), w -> { }).loadText(
                "[timing]\nheartbeat_interval = 1\nheartbeat_timeout_factor = 5\n[paths]\nshared_dir = \"" + tmp.resolve("shared") + "\"\n",
                tmp.resolve("t.toml"));
        core = new HostCore(cfg, new Database(tmp.resolve("state.db")), clock, sent::add);
    }

    private int callsSent() { int n = 0; for (List<Runnable> l : sent) n += l.size(); sent.clear(); return n; }

    private void register(String name, int cores) {
        core.register(new RegisterRequest(name, cores, 16L << 30, "http://127.0.0.1:9/" + name, null, null));
    }

    private List<String> submit(int cores, Integer maxRunning, int elements, String... targets) {
        List<HostCore.Target> ts = new ArrayList<>();
        for (String t : targets) ts.add(new HostCore.Target(t, t, null));
        List<List<String>> sets = null;
        if (elements > 1) { sets = new ArrayList<>(); for (int i = 0; i < elements; i++) sets.add(List.of(String.valueOf(i))); }
        var done = core.submit(new HostCore.NewTasks("true", List.of(), sets, Map.of(), cores, null, ts, null, "", null, null, maxRunning));
        return done.created().stream().map(t -> String.valueOf(t.taskId)).toList();
    }

    private TaskStatus status(String id) { return core.task(Long.parseLong(id)).status; }
    private TaskRecord task(String id) { return core.task(Long.parseLong(id)); }

    private NodeRecord node(String name) {
        return core.nodeSnapshot().stream().filter(n -> n.hostname.equals(name)).findFirst().orElseThrow();
    }

    private void accepted(String id) { core.dispatchAnswered(node(task(id).assignedNode), task(id), DispatchOutcome.of(200, "{}", null), 1); }

    private String update(String id, TaskStatus to, Integer exit) {
        return core.runnerUpdate(new HostCore.Update(Long.parseLong(id), to, exit, null, clock.instant(), to.isFinal() ? clock.instant() : null));
    }

    private void beat(String node, List<String> running, List<String> paused) {
        core.heartbeat(node, new HeartbeatRequest(running.stream().map(Long::parseLong).toList(), List.of(), null, null, null, null,
                paused.stream().map(Long::parseLong).toList()));
    }

    @Test void oldestFirstAndASmallerLaterTaskBackfills() {
        register("n1", 4);
        String big1 = submit(3, null, 1).get(0);
        String big2 = submit(3, null, 1).get(0);
        String small = submit(1, null, 1).get(0);
        assertThat(status(big1)).isEqualTo(TaskStatus.ASSIGNING);
        assertThat(status(big2)).isEqualTo(TaskStatus.PENDING);
        assertThat(status(small)).as("backfill").isEqualTo(TaskStatus.ASSIGNING);
        assertThat(callsSent()).isEqualTo(2);
        accepted(big1);
        update(big1, TaskStatus.RUNNING, null);
        update(big1, TaskStatus.COMPLETED, 0);
        assertThat(status(big2)).isEqualTo(TaskStatus.ASSIGNING);
        assertThat(task(big2).assignedNode).isEqualTo("n1");
    }

    @Test void aReportedTaskThatEndedHereIsKilledOnItsNodeOnceItsOutcomeCannotBeInFlightAnyMore() {
        register("n1", 4);
        String id = submit(1, null, 1).get(0);
        accepted(id);
        update(id, TaskStatus.RUNNING, null);
        core.kill(Long.parseLong(id)); // e.g. killed while its node was away, then found again by a Runner without state
        callsSent();
        beat("n1", List.of(id), List.of());
        assertThat(callsSent()).as("just ended: its outcome may still be on its way").isZero();
        clock.advance(Duration.ofSeconds(4)); // past three heartbeats
        beat("n1", List.of(id), List.of());
        assertThat(callsSent()).as("a kill for the copy that still runs").isEqualTo(1);
        beat("n1", List.of("4242424242"), List.of());
        assertThat(callsSent()).as("a task this Host never had is not its to kill").isZero();
        assertThat(status(id)).isEqualTo(TaskStatus.KILLED);
    }

    @Test void twoTargetsOnOneNodeNeverOverbookIt() {
        register("n1", 4);
        List<String> ids = submit(3, null, 1, "n1", "n1");
        assertThat(ids).hasSize(2);
        assertThat(List.of(status(ids.get(0)), status(ids.get(1)))).containsExactly(TaskStatus.ASSIGNING, TaskStatus.PENDING);
    }

    @Test void maxRunningLimitsABatch() {
        register("n1", 8);
        List<String> ids = submit(1, 2, 5);
        assertThat(ids.stream().filter(i -> status(i) == TaskStatus.ASSIGNING)).hasSize(2);
        accepted(ids.get(0));
        update(ids.get(0), TaskStatus.COMPLETED, 0);
        assertThat(ids.stream().filter(i -> status(i) == TaskStatus.ASSIGNING)).hasSize(2);
        assertThat(status(ids.get(2))).isEqualTo(TaskStatus.ASSIGNING);
    }

    @Test void killWorksInEveryUnfinishedStateAndOnlyPlacedTasksCallTheRunner() {
        register("n1", 1);
        String assigning = submit(1, null, 1).get(0);
        String pending = submit(1, null, 1).get(0);
        callsSent();
        core.kill(Long.parseLong(pending));
        assertThat(status(pending)).isEqualTo(TaskStatus.KILLED);
        assertThat(callsSent()).as("a queued task needs no runner").isZero();
        core.kill(Long.parseLong(assigning));
        assertThat(status(assigning)).isEqualTo(TaskStatus.KILLED);
        assertThat(callsSent()).as("kill sent to n1").isEqualTo(1);

        String running = submit(1, null, 1).get(0);
        accepted(running);
        update(running, TaskStatus.RUNNING, null);
        callsSent();
        core.controlConfirmed(Long.parseLong(running), "pause");
        assertThat(status(running)).isEqualTo(TaskStatus.PAUSED);
        core.kill(Long.parseLong(running));
        assertThat(status(running)).isEqualTo(TaskStatus.KILLED);
        assertThat(callsSent()).isGreaterThanOrEqualTo(1);
        assertThatThrownBy(() -> core.kill(Long.parseLong(running))).isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).status).isEqualTo(409));
        assertThatThrownBy(() -> core.kill(42)).satisfies(e -> assertThat(((ApiException) e).status).isEqualTo(404));
    }

    @Test void aLateCompletedNeverOverwritesKilled() {
        register("n1", 2);
        String id = submit(1, null, 1).get(0);
        accepted(id);
        update(id, TaskStatus.RUNNING, null);
        core.kill(Long.parseLong(id));
        assertThat(update(id, TaskStatus.COMPLETED, 0)).isEqualTo("Task already in a final state");
        assertThat(status(id)).isEqualTo(TaskStatus.KILLED);
        assertThat(core.counts().get("illegal_transitions")).isEqualTo(1L);
    }

    @Test void aBatchOfUpdatesIsAppliedInOrderAndAnUnknownTaskDoesNotStopTheRest() {
        register("n1", 8);
        List<String> ids = submit(1, null, 3);
        for (String id : ids) accepted(id);
        List<HostCore.Update> batch = new ArrayList<>();
        for (String id : ids) batch.add(new HostCore.Update(Long.parseLong(id), TaskStatus.RUNNING, null, null, clock.instant(), null));
        batch.add(new HostCore.Update(4242, TaskStatus.RUNNING, null, null, null, null));
        batch.add(new HostCore.Update(Long.parseLong(ids.get(0)), TaskStatus.COMPLETED, 0, null, null, clock.instant()));
        List<HostCore.UpdateResult> r = core.runnerUpdates(batch);
        assertThat(r).extracting(HostCore.UpdateResult::status).containsExactly(200, 200, 200, 404, 200);
        assertThat(status(ids.get(0))).isEqualTo(TaskStatus.COMPLETED);
        assertThat(status(ids.get(1))).isEqualTo(TaskStatus.RUNNING);
        core.close();
        open(); // what was applied was committed
        assertThat(status(ids.get(0))).isEqualTo(TaskStatus.COMPLETED);
        assertThat(status(ids.get(2))).isEqualTo(TaskStatus.RUNNING);
    }

    @Test void aSilentNodeLosesItsTasksAndTheyAreReconciledWhenItComesBack() {
        register("n1", 2);
        String id = submit(1, null, 1).get(0);
        accepted(id);
        update(id, TaskStatus.RUNNING, null);
        for (int i = 0; i < 6; i++) { clock.advance(Duration.ofSeconds(1)); core.periodic(true); }
        assertThat(status(id)).isEqualTo(TaskStatus.LOST);
        assertThat(node("n1").online()).isFalse();
        beat("n1", List.of(id), List.of());
        assertThat(status(id)).isEqualTo(TaskStatus.RUNNING);
        assertThat(node("n1").online()).isTrue();
        update(id, TaskStatus.COMPLETED, 0);
        assertThat(status(id)).isEqualTo(TaskStatus.COMPLETED);
    }

    @Test void aTaskTheRunnerStopsReportingIsLostAfterThreeBeats() {
        register("n1", 2);
        String id = submit(1, null, 1).get(0);
        accepted(id);
        update(id, TaskStatus.RUNNING, null);
        beat("n1", List.of(), List.of());
        beat("n1", List.of(), List.of());
        assertThat(status(id)).isEqualTo(TaskStatus.RUNNING);
        beat("n1", List.of(), List.of());
        assertThat(status(id)).isEqualTo(TaskStatus.LOST);
    }

    @Test void aRestartedCoreSendsItsAssigningTasksAgainAndKeepsTheirReservations() {
        register("n1", 2);
        String id = submit(2, null, 1).get(0);
        callsSent();
        core.close();
        open();
        assertThat(status(id)).isEqualTo(TaskStatus.ASSIGNING);
        core.resumeAssigning();
        assertThat(callsSent()).isEqualTo(1);
        String next = submit(1, null, 1).get(0);
        assertThat(status(next)).as("the 2 cores are still reserved").isEqualTo(TaskStatus.PENDING);
    }

    @Test void aSecondLiveRunnerCannotTakeAName() {
        register("n1", 2);
        assertThatThrownBy(() -> core.register(new RegisterRequest("n1", 2, 1L << 30, "http://127.0.0.1:10", null, null)))
                .satisfies(e -> assertThat(((ApiException) e).status).isEqualTo(409));
        clock.advance(Duration.ofSeconds(6)); // the first one went silent: the name is free again
        core.register(new RegisterRequest("n1", 2, 1L << 30, "http://127.0.0.1:10", null, null));
        assertThat(node("n1").url).isEqualTo("http://127.0.0.1:10");
    }

    @Test void impossibleRequestsFailAtOnceAndUnknownThingsAre404() {
        register("n1", 2);
        assertThatThrownBy(() -> submit(1, null, 1, "nosuch")).satisfies(e -> {
            assertThat(((ApiException) e).status).isEqualTo(503);
            assertThat(((ApiException) e).detail.toString()).contains("nosuch").contains("Node not registered");
        });
        assertThatThrownBy(() -> submit(3, null, 1)).satisfies(e -> assertThat(((ApiException) e).detail.toString()).contains("larger than every online node"));
        assertThatThrownBy(() -> update("77", TaskStatus.RUNNING, null)).satisfies(e -> assertThat(((ApiException) e).status).isEqualTo(404));
        assertThatThrownBy(() -> beat("ghost", List.of(), List.of())).satisfies(e -> assertThat(((ApiException) e).status).isEqualTo(404));
    }
}
