package io.hakuriver.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.testsupport.Cluster;
import io.hakuriver.testsupport.Env;
import io.hakuriver.util.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Start and stop of the daemons as systemd sees them: SIGTERM is a clean stop (exit 0, also for hand-written units
 * without SuccessExitStatus=143); several Runners made as the guide makes them (copy the config, change runner_port)
 * are distinct nodes; a Runner whose name a live Runner holds exits 2 with a clear line instead of idling "active".
 */
class DaemonLifecycleIT {
    @TempDir Path tmp;
    Cluster cluster;
    final List<Process> started = new ArrayList<>();

    @AfterEach void stop() {
        started.forEach(Process::destroyForcibly);
        if (cluster != null) cluster.close();
    }

    private Process runner(Path config, Path log) throws Exception {
        Process p = new ProcessBuilder(Env.javaBin().toString(), "-Xmx64m", "-jar", Env.jar().toString(), "runner", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(p);
        return p;
    }

    /** The guide's step: copy the config, set runner_port. No [runner] name. */
    private Path guideCopy(String name, int port) throws Exception {
        String base = Files.readString(cluster.hostConfig());
        Path cfg = tmp.resolve(name + ".toml");
        Files.writeString(cfg, base.replace("[network]\n", "[network]\nrunner_address = \"127.0.0.1\"\nrunner_port = " + port + "\n")
                .replace("local_temp_dir = \"" + cluster.dir.resolve("temp-host") + "\"", "local_temp_dir = \"" + tmp.resolve("temp-" + name) + "\"")
                + "\n[runner]\nnull_backend = \"process\"\nallow_root_tasks = true\n");
        return cfg;
    }

    private List<String> nodeNames() {
        List<String> names = new ArrayList<>();
        for (JsonNode n : cluster.client().get("/nodes")) names.add(n.path("hostname").asText());
        return names;
    }

    @Test void guideStyleRunnersAreDistinctNodesAndANameClashExitsTwo() throws Exception {
        cluster = Cluster.start(tmp.resolve("c"));
        int p1 = Cluster.freePort(), p2 = Cluster.freePort();
        runner(guideCopy("runner1", p1), tmp.resolve("r1.log"));
        runner(guideCopy("runner2", p2), tmp.resolve("r2.log"));
        String host = HostInfo.hostname();
        Cluster.await(Duration.ofSeconds(60), "both runners registered", () -> nodeNames().size() == 2);
        assertThat(nodeNames()).containsExactlyInAnyOrder(host + "-" + p1, host + "-" + p2);

        // a third one claiming runner1's name from another port: refused with 409, so it ends (2 = do not restart)
        Path clash = guideCopy("runner3", Cluster.freePort());
        Files.writeString(clash, Files.readString(clash).replace("[runner]\n", "[runner]\nname = \"" + host + "-" + p1 + "\"\n"));
        Process third = runner(clash, tmp.resolve("r3.log"));
        assertThat(third.waitFor(60, TimeUnit.SECONDS)).as(Files.readString(tmp.resolve("r3.log"))).isTrue();
        assertThat(third.exitValue()).isEqualTo(2);
        assertThat(Files.readString(tmp.resolve("r3.log"))).contains("Error: the Host refused this Runner: HTTP 409",
                "Set a unique [runner] name in " + clash);
    }

    @Test void sigtermIsACleanStopForHostAndRunner() throws Exception {
        cluster = Cluster.start(tmp.resolve("c"));
        Process r = runner(guideCopy("runner1", Cluster.freePort()), tmp.resolve("r1.log"));
        Cluster.await(Duration.ofSeconds(60), "runner registered", () -> nodeNames().size() == 1);
        r.destroy(); // SIGTERM
        assertThat(r.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(r.exitValue()).as(Files.readString(tmp.resolve("r1.log"))).isZero();
        assertThat(Files.readString(tmp.resolve("r1.log"))).contains("SIGTERM received: stopping the Runner.", "HakuRiver Runner stopped.");

        Process host = cluster.hostProcess();
        host.destroy();
        assertThat(host.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(host.exitValue()).as(cluster.dumpLogs()).isZero();
        assertThat(Files.readString(cluster.dir.resolve("host.log"))).contains("SIGTERM received: stopping the Host.");
    }
}
