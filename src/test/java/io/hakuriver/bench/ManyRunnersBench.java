package io.hakuriver.bench;

import io.hakuriver.client.HostClient;

import java.util.List;
import java.util.Map;

/**
 * (e) What a big lab costs the Host at rest: N simulated Runners (one in-process server, see
 * {@link SimulatedRunners}) each holding a few running tasks, heart-beating every second; the Host's CPU over a
 * measured window, as a share of one core.
 */
final class ManyRunnersBench {
    static final double TARGET_CORE_SHARE = 0.10;

    private final Report out;
    private final BenchMain.Setup setup;

    ManyRunnersBench(Report out, BenchMain.Setup setup) { this.out = out; this.setup = setup; }

    void run() throws Exception {
        int nodes = Params.integer("bench.e.nodes", 200);
        int tasksPerNode = Params.integer("bench.e.tasks_per_node", 5);
        int seconds = Params.integer("bench.e.seconds", 30);
        out.section("(e) " + nodes + " simulated runners heart-beating every second, " + tasksPerNode + " running tasks each");
        try (LaunchedCluster cluster = setup.cluster(1)) {
            cluster.startHost();
            try (SimulatedRunners sims = new SimulatedRunners(cluster.hostUrl(), nodes, 4)) {
                sims.start(1);
                HostClient c = cluster.client();
                for (int i = 0; i < nodes; i++) {
                    for (int k = 0; k < tasksPerNode; k++) {
                        c.post("/submit", Map.of("command", "sleep", "arguments", List.of("600"), "required_cores", 0,
                                "container_name", "NULL", "targets", List.of(SimulatedRunners.name(i))));
                    }
                }
                Thread.sleep(5000); // settle: every task assigned and reported
                long beats0 = sims.heartbeats.get(), fails0 = sims.heartbeatFailures.get(), nanos0 = sims.heartbeatNanos.get();
                long cpu0 = ProcStats.cpuMillis(cluster.hostPid());
                long t0 = System.nanoTime();
                Thread.sleep(seconds * 1000L);
                long cpu = ProcStats.cpuMillis(cluster.hostPid()) - cpu0;
                double wall = (System.nanoTime() - t0) / 1e6;
                long beats = sims.heartbeats.get() - beats0;
                double share = cpu / wall;
                out.line("  %d heartbeats in %.0f s (%d failed), mean heartbeat latency %.2f ms; %d tasks accepted by the simulated runners",
                        beats, wall / 1000, sims.heartbeatFailures.get() - fails0,
                        beats == 0 ? 0 : (sims.heartbeatNanos.get() - nanos0) / 1e6 / beats, sims.acceptedTasks());
                out.line("  Host CPU %.0f ms in %.0f ms = %.1f %% of one core (%.3f ms per heartbeat); Host %s",
                        (double) cpu, wall, share * 100, beats == 0 ? 0 : cpu / (double) beats, ProcStats.memory(cluster.hostPid()));
                out.target("(e) Host CPU, " + nodes + " runners", String.format("%.1f %% of a core", share * 100), "< 10 %", share < TARGET_CORE_SHARE);
            }
        }
    }
}
