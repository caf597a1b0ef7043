package io.hakuriver.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.client.HostClient;
import io.hakuriver.testsupport.Cluster;
import io.hakuriver.testsupport.Env;
import io.hakuriver.testsupport.OnPostgres;
import io.hakuriver.testsupport.Postgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two Hosts on one real PostgreSQL, real Runners: the leader killed with SIGKILL in the middle of a burst of 1,000
 * tasks (every accepted task completes exactly once, counted by the marks the tasks leave in the shared dir), and a
 * leader frozen with SIGSTOP past its lease (it must step down on SIGCONT, without a single write).
 */
@ExtendWith(OnPostgres.class)
class TakeoverIT {
    static final String MARK = "echo x >> \"$HAKURIVER_SHARED_DIR/ran/$HAKURIVER_TASK_ID\"";
    /** The Cluster fixture's [timing] heartbeat_interval and [database] lease. */
    static final int HEARTBEAT = 1, LEASE = 4;

    @TempDir Path tmp;
    Cluster c;

    @AfterEach void down() {
        if (c != null) {
            for (Process p : new Process[] {c.hostProcess(), c.hostProcess2()}) {
                if (p != null && p.isAlive()) { try { Cluster.signal(p, "CONT"); } catch (Exception ignored) { } }
            }
            c.close();
        }
    }

    private Cluster pair(int runners) throws Exception {
        c = Cluster.startPair(tmp.resolve("c"), null);
        assertThat(c.role(c.hostUrl())).isEqualTo("leader");
        assertThat(c.role(c.hostUrl2())).isEqualTo("standby");
        for (int i = 1; i <= runners; i++) c.addRunner("n" + i, "max_tasks = 16\n");
        c.awaitOnline(runners);
        Files.createDirectories(c.sharedDir().resolve("ran"));
        return c;
    }

    private static Map<String, Object> task(String script) {
        return Map.of("command", "sh", "arguments", List.of("-c", script), "required_cores", 0, "container_name", "NULL");
    }

    private int runs(String id) throws Exception {
        Path f = c.sharedDir().resolve("ran").resolve(id);
        return Files.exists(f) ? Files.readAllLines(f).size() : 0;
    }

    @Test @Timeout(420)
    void killingTheLeaderMidBurstLosesNothingAndRunsNothingTwice() throws Exception {
        pair(2);
        HostClient client = c.client();
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        AtomicInteger unknown = new AtomicInteger();
        long[] killedAt = new long[1];
        Thread submitter = new Thread(() -> {
            for (int i = 0; i < 1000; i++) {
                // 503 = a standby or a takeover under way, nothing stored: send again. No answer at all = unknown
                // (it may or may not have been stored): counted, never sent twice, so no duplicate can hide a rerun
                for (int attempt = 0; ; attempt++) {
                    try {
                        HttpResponse<String> r = client.send("POST", "/submit", task(MARK + "; sleep 0.05"), Duration.ofSeconds(30));
                        if (r.statusCode() / 100 == 2) { accepted.add(io.hakuriver.util.Json.tree(r.body()).get("task_ids").get(0).asText()); break; }
                        if (r.statusCode() != 503 && r.statusCode() != 429) throw new AssertionError("submit " + i + ": HTTP " + r.statusCode() + " " + r.body());
                    } catch (RuntimeException e) {
                        // refused by every Host (the standby swaps in the full Host): nothing was sent, send again
                        if (!String.valueOf(e.getMessage()).startsWith("cannot connect")) { unknown.incrementAndGet(); break; }
                    }
                    if (attempt > 600) throw new AssertionError("submit " + i + " not accepted for a minute");
                    try { Thread.sleep(100); } catch (InterruptedException e) { return; }
                }
            }
        }, "submitter");
        submitter.start();
        Cluster.await(Duration.ofSeconds(120), "300 accepted", () -> accepted.size() >= 300);
        killedAt[0] = System.nanoTime();
        c.hostProcess().destroyForcibly(); // SIGKILL
        c.hostProcess().waitFor(10, TimeUnit.SECONDS);
        Cluster.await(Duration.ofSeconds(60), "the standby to lead", () -> "leader".equals(c.role(c.hostUrl2())));
        double takeover = (System.nanoTime() - killedAt[0]) / 1e9;
        System.out.printf("[takeover] standby leads %.1f s after SIGKILL of the leader (bound 2 x %d + %d = %d s)%n",
                takeover, HEARTBEAT, LEASE, 2 * HEARTBEAT + LEASE);
        // the bound, plus the second the standby polls at most and a loaded machine's start of the full Host
        assertThat(takeover).as("takeover seconds").isLessThan(2 * HEARTBEAT + LEASE + 3);
        submitter.join(TimeUnit.MINUTES.toMillis(5));
        assertThat(submitter.isAlive()).isFalse();

        Cluster.await(Duration.ofSeconds(240), "every task final", () -> {
            var r = client.send("GET", "/tasks?status=pending,assigning,running,paused,lost&limit=1", null, Duration.ofSeconds(30));
            return r.statusCode() == 200 && "0".equals(r.headers().firstValue("X-Total-Count").orElse("?"));
        });
        Map<String, String> status = new HashMap<>();
        for (JsonNode t : client.get("/tasks?limit=100000")) status.put(t.get("task_id").asText(), t.get("status").asText());
        assertThat(accepted.size() + unknown.get()).isEqualTo(1000);
        for (String id : accepted) {
            assertThat(status.get(id)).as("status of accepted task %s", id).isEqualTo("completed");
            assertThat(runs(id)).as("runs of accepted task %s", id).isEqualTo(1);
        }
        try (var marks = Files.list(c.sharedDir().resolve("ran"))) {
            for (Path m : (Iterable<Path>) marks::iterator) assertThat(Files.readAllLines(m)).as("runs of %s", m.getFileName()).hasSize(1);
        }
        System.out.printf("[takeover] %d accepted, %d without an answer, all accepted completed exactly once%n", accepted.size(), unknown.get());

        c.restartHost1(); // the old leader comes back as the standby
        Cluster.await(Duration.ofSeconds(30), "old leader as standby", () -> "standby".equals(c.role(c.hostUrl())));
    }

    @Test @Timeout(300)
    void aLeaderFrozenPastItsLeaseStepsDownWithoutWriting() throws Exception {
        pair(1);
        String app1 = "hakuriver-host writer " + c.hostUrl(), app2 = "hakuriver-host writer " + c.hostUrl2();
        String db = Postgres.databaseOf(c.dbUrl);
        try (Connection sql = Postgres.get().connect(db); Statement st = sql.createStatement()) {
            // every row written, with the PostgreSQL session (named after its Host) that wrote it
            st.execute("CREATE TABLE write_audit (app TEXT, tbl TEXT, at TIMESTAMPTZ DEFAULT clock_timestamp())");
            st.execute("CREATE FUNCTION audit() RETURNS trigger AS $$ BEGIN INSERT INTO write_audit (app, tbl) "
                    + "VALUES (current_setting('application_name'), TG_TABLE_NAME); RETURN NULL; END $$ LANGUAGE plpgsql");
            for (String t : List.of("task", "node")) st.execute("CREATE TRIGGER audit_" + t + " AFTER INSERT OR UPDATE OR DELETE ON " + t
                    + " FOR EACH ROW EXECUTE FUNCTION audit()");
        }
        String before = c.client().post("/submit", task(MARK + "; sleep 600")).get("task_ids").get(0).asText();
        c.awaitTask(before, Duration.ofSeconds(60), "running"::equals);

        Cluster.signal(c.hostProcess(), "STOP");
        String frozenAt = dbNow(db);
        // a submit sent to the frozen leader: it is read after SIGCONT, and must not be stored
        HostClient toFrozen = new HostClient(c.hostUrl(), "");
        int[] frozenAnswer = {-1};
        Thread late = new Thread(() -> {
            try { frozenAnswer[0] = toFrozen.send("POST", "/submit", task(MARK), Duration.ofSeconds(120)).statusCode(); }
            catch (RuntimeException e) { frozenAnswer[0] = 0; }
        });
        late.start();
        Cluster.await(Duration.ofSeconds(30), "the standby to lead while the leader is frozen", () -> "leader".equals(c.role(c.hostUrl2())));
        HostClient toNew = new HostClient(c.hostUrl2(), ""); // not the pair's client: it would wait on the frozen one first
        String during = toNew.post("/submit", task(MARK)).get("task_ids").get(0).asText();
        Cluster.await(Duration.ofSeconds(60), "task during the freeze completed",
                () -> "completed".equals(toNew.get("/status/" + during).path("status").asText()));
        Thread.sleep(LEASE * 1000L); // well past the lease

        Cluster.signal(c.hostProcess(), "CONT");
        assertThat(c.hostProcess().waitFor(30, TimeUnit.SECONDS)).as("the old leader ends after SIGCONT").isTrue();
        assertThat(c.hostProcess().exitValue()).as("a failure status, so its service manager starts it as the standby").isEqualTo(1);
        late.join(30_000);
        assertThat(frozenAnswer[0] / 100).as("the submit the frozen leader read: HTTP " + frozenAnswer[0]).isNotEqualTo(2);
        assertThat(Files.readString(c.dir.resolve("host.log"))).contains("lost the leadership");

        try (Connection sql = Postgres.get().connect(db); Statement st = sql.createStatement()) {
            assertThat(count(st, "SELECT COUNT(*) FROM write_audit WHERE app = '" + app1 + "' AND at > '" + frozenAt + "'"))
                    .as("rows the frozen leader wrote after SIGSTOP").isZero();
            assertThat(count(st, "SELECT COUNT(*) FROM write_audit WHERE app = '" + app2 + "' AND at <= '" + frozenAt + "'"))
                    .as("rows the standby wrote while the other led").isZero();
            assertThat(count(st, "SELECT COUNT(*) FROM write_audit WHERE app = '" + app2 + "'")).as("the new leader writes").isPositive();
            assertThat(count(st, "SELECT COUNT(*) FROM task")).as("tasks stored: before and during, not the late one").isEqualTo(2);
        }
        assertThat(c.status(before).get("status").asText()).isEqualTo("running");
        assertThat(runs(before)).isEqualTo(1);
    }

    @Test @Timeout(180)
    void theDockerToolsTalkToTheLeaderWhicheverHostIsNamedFirst() throws Exception {
        pair(0);
        String leader = "127.0.0.1:" + c.hostPort, standby = "127.0.0.1:" + c.hostPort2;
        // only the standby: it answers 503, so this call can tell which Host the tool spoke to
        Cluster.Result toStandby = Cluster.cli(List.of("docker", "list-tars", "-c", toolsConfig(standby).toString()));
        assertThat(toStandby.exit()).as(toStandby.toString()).isNotZero();
        Cluster.Result standbyFirst = Cluster.cli(List.of("docker", "list-tars", "-c", toolsConfig(standby + "," + leader).toString()));
        assertThat(standbyFirst.exit()).as(standbyFirst.toString()).isZero();

        c.hostProcess().destroyForcibly();
        c.hostProcess().waitFor(10, TimeUnit.SECONDS);
        Cluster.await(Duration.ofSeconds(60), "the standby to lead", () -> "leader".equals(c.role(c.hostUrl2())));
        Cluster.Result deadFirst = Cluster.cli(List.of("docker", "list-tars", "-c", toolsConfig(leader + "," + standby).toString()));
        assertThat(deadFirst.exit()).as(deadFirst.toString()).isZero();
    }

    @Test @Timeout(180)
    void aSocketActivatedStandbyKeepsItsSocketForTheHostItBecomes() throws Exception {
        Path tool = Path.of("/usr/bin/systemd-socket-activate");
        Env.require(Files.isExecutable(tool), "systemd-socket-activate (apt-get install systemd)");
        c = Cluster.startPairSecondSocketActivated(tmp.resolve("c"), tool);
        assertThat(c.role(c.hostUrl())).isEqualTo("leader");
        Thread.sleep(3_000); // a standby that bound the port itself would have failed against systemd's socket by now
        assertThat(c.hostProcess2().isAlive()).as("the standby waits instead of ending (restart loop)").isTrue();

        c.hostProcess().destroyForcibly();
        c.hostProcess().waitFor(10, TimeUnit.SECONDS);
        Cluster.await(Duration.ofSeconds(60), "the socket-activated standby to lead on its socket", () -> "leader".equals(c.role(c.hostUrl2())));
        String log = Files.readString(c.dir.resolve("host2.log"));
        assertThat(log).contains("Standby under socket activation").contains("Using the listening socket passed by systemd");
        assertThat(c.client().get("/nodes").isArray()).as("the pair's client, its first Host dead, reaches the new leader").isTrue();
        assertThat(c.hostProcess2().isAlive()).isTrue();
    }

    /** The pair's config with another host_reachable_address, for the CLI tools. */
    private Path toolsConfig(String addresses) throws Exception {
        String toml = Files.readString(c.hostConfig()).replaceFirst("host_reachable_address = \"[^\"]*\"",
                "host_reachable_address = \"" + addresses + "\"");
        Path p = tmp.resolve("tools-" + Math.abs(addresses.hashCode()) + ".toml");
        Files.writeString(p, toml);
        return p;
    }

    private static String dbNow(String db) throws Exception {
        try (Connection sql = Postgres.get().connect(db); Statement st = sql.createStatement();
             ResultSet rs = st.executeQuery("SELECT clock_timestamp()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long count(Statement st, String q) throws Exception {
        try (ResultSet rs = st.executeQuery(q)) { rs.next(); return rs.getLong(1); }
    }
}
