package io.hakuriver.host;

import io.hakuriver.api.HeartbeatRequest;
import io.hakuriver.api.RegisterRequest;
import io.hakuriver.api.TaskStatus;
import io.hakuriver.config.ConfigLoader;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.store.Database;
import io.hakuriver.store.NodeRecord;
import io.hakuriver.store.TaskRecord;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@link HostCore} on a real SQLite file with a clock the test moves; runner calls are collected, and the
 * Runner's answers are fed back as a Runner would give them. Re-opening it is a Host restart.
 */
final class CoreHarness implements AutoCloseable {
    final Path dir;
    final String extraToml;
    final BackPressureTest.MovableClock clock = new BackPressureTest.MovableClock();
    final List<List<Runnable>> sent = new ArrayList<>();
    HostCore core;

    /** @param extraToml more [timing] keys (further sections may follow) */
    CoreHarness(Path dir, String extraToml) { this.dir = dir; this.extraToml = extraToml; open(); }
    CoreHarness(Path dir) { this(dir, ""); }

    void open() {
        HakuConfig cfg = new ConfigLoader(dir, Map.of(), w -> { }).loadText(
                "[timing]\nheartbeat_interval = 1\nheartbeat_timeout_factor = 5\n" + extraToml
                        + "\n[paths]\nshared_dir = \"" + dir.resolve("shared") + "\"\n", dir.resolve("t.toml"));
        core = new HostCore(cfg, new Database(dir.resolve("state.db")), clock, sent::add);
    }

    /** A Host restart: the same database, a new core. */
    void restart() { core.close(); open(); }

    @Override public void close() { core.close(); }

    int callsSent() { int n = 0; for (List<Runnable> l : sent) n += l.size(); sent.clear(); return n; }

    void register(String name, int cores) {
        core.register(new RegisterRequest(name, cores, 16L << 30, "http://127.0.0.1:9/" + name, null, null));
    }

    /** One task (or {@code elements} of a sweep) of {@code cores} cores, with the given run policy. */
    List<Long> submit(int cores, int elements, RunPolicy policy, String... targets) {
        List<HostCore.Target> ts = new ArrayList<>();
        for (String t : targets) ts.add(new HostCore.Target(t, t, null));
        List<List<String>> sets = null;
        if (elements > 1) { sets = new ArrayList<>(); for (int i = 0; i < elements; i++) sets.add(List.of(String.valueOf(i))); }
        var done = core.submit(new HostCore.NewTasks("true", List.of(), sets, Map.of(), cores, null, ts, null, "", null, null, null), policy);
        return done.created().stream().map(t -> t.taskId).toList();
    }

    long submit(int cores, String... targets) { return submit(cores, 1, RunPolicy.NONE, targets).get(0); }

    TaskRecord task(long id) { return core.task(id); }
    TaskStatus status(long id) { return core.task(id).status; }

    NodeRecord node(String name) {
        return core.nodeSnapshot().stream().filter(n -> n.hostname.equals(name)).findFirst().orElseThrow();
    }

    /** The Runner took the start. */
    void accepted(long id) { core.dispatchAnswered(node(task(id).assignedNode), task(id), DispatchOutcome.of(200, "{}", null), 1); }

    String update(long id, TaskStatus to, Integer exit) {
        return core.runnerUpdate(new HostCore.Update(id, to, exit, null, clock.instant(), to.isFinal() ? clock.instant() : null));
    }

    /** Accepted, running, then ended with {@code exit} (0 = completed, else failed). */
    void runToEnd(long id, int exit) {
        accepted(id);
        update(id, TaskStatus.RUNNING, null);
        update(id, exit == 0 ? TaskStatus.COMPLETED : TaskStatus.FAILED, exit);
    }

    void beat(String node, List<Long> running) {
        core.heartbeat(node, new HeartbeatRequest(running, List.of(), null, null, null, null, List.of()));
    }
}
