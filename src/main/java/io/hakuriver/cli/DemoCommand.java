package io.hakuriver.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.client.HostClient;
import io.hakuriver.config.ConfigLoader;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.host.HostServer;
import io.hakuriver.runner.RunnerDaemon;
import io.hakuriver.util.ExitCodes;
import io.hakuriver.util.HostInfo;
import io.hakuriver.util.StopSignals;
import io.hakuriver.util.VersionProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The embedded default: a Host and a Runner in this JVM, SQLite and a shared dir under a local data folder, the
 * plain-process backend (no Docker or systemd needed), one sample task end to end, then it keeps serving.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Start a Host and a Runner on this machine, run a sample task, and keep serving until Ctrl-C.")
public class DemoCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR", defaultValue = "data/demo", description = "Data folder (default: ${DEFAULT-VALUE}).")
    Path data;
    @Option(names = "--port", defaultValue = "8000", description = "Host port (the Runner uses port+1). Default ${DEFAULT-VALUE}.")
    int port;
    @Option(names = "--exit", description = "Stop after the sample task instead of serving until Ctrl-C.")
    boolean exitAfterSample;

    @Override public Integer call() throws Exception {
        Path dir = data.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        Path cfgFile = dir.resolve("demo.toml");
        DefaultEnvironment env = DefaultEnvironment.choose(dir.resolve("shared"));
        String toml = """
            # Written by `hakuriver demo`: a one-machine cluster. Use it with any command: --config %s
            [network]
            host_bind_ip = "127.0.0.1"
            host_port = %d
            host_reachable_address = "127.0.0.1"
            runner_address = "127.0.0.1"
            runner_port = %d
            runner_bind_ip = "127.0.0.1"
            [paths]
            shared_dir = "%s"
            local_temp_dir = "%s"
            [database]
            db_file = "%s"
            [timing]
            heartbeat_interval = 2
            [docker]
            # %s
            default_container_name = "%s"
            [runner]
            # named like the README's examples (--target node1, tasks --node node1), so they work against the demo
            name = "node1"
            null_backend = "process"
            # the demo runs tasks as the user who started it%s
            allow_root_tasks = %s
            """.formatted(cfgFile, port, port + 1, dir.resolve("shared"), dir.resolve("temp"), dir.resolve("cluster.db"), env.why(), env.name(),
                HostInfo.isRoot() ? " (root here: allowed for the demo only)" : "", HostInfo.isRoot());
        Files.writeString(cfgFile, toml);
        io.hakuriver.util.PrivatePaths.ownerOnly(cfgFile);
        HakuConfig cfg = new ConfigLoader(ConfigLoader.home(), Map.of(), s -> System.err.println("warning: " + s))
                .loadText(toml, cfgFile);

        System.out.println("HakuRiver demo: Host and Runner on this machine, data in " + dir);
        System.out.println("Tasks without --container: " + env.why());
        StopSignals signals = StopSignals.install();
        HostServer host = HostAssembly.create(cfg).start();
        RunnerDaemon runner = new RunnerDaemon(cfg).start();
        HostClient client = new HostClient(cfg);
        // Ctrl-C stops the demo's tasks too: the Runner alone would leave them running (it re-attaches on restart).
        Runnable stopAll = () -> { DemoTasks.killUnfinished(client, System.out); runner.close(); host.close(); };

        long t0 = System.currentTimeMillis();
        while (client.get("/nodes").size() == 0 && System.currentTimeMillis() - t0 < 30_000) Thread.sleep(100);
        JsonNode submitted = client.post("/submit", Map.of("command", "sh", "arguments",
                List.of("-c", "echo \"Hello from HakuRiver task $HAKURIVER_TASK_ID on $(hostname)\"; uname -sr"),
                "required_cores", 1, "container_name", "NULL"));
        String id = submitted.get("task_ids").get(0).asText();
        System.out.println("Submitted sample task " + id);
        JsonNode t;
        do {
            Thread.sleep(100);
            t = client.get("/status/" + id);
        } while (!List.of("completed", "failed", "killed", "lost", "killed_oom").contains(t.get("status").asText()));
        String out = Files.exists(cfg.taskOutputsDir().resolve(id + ".out")) ? Files.readString(cfg.taskOutputsDir().resolve(id + ".out")) : "";
        System.out.println("Sample task " + id + " " + t.get("status").asText() + " (exit code " + t.get("exit_code").asText() + "), stdout:");
        out.lines().forEach(l -> System.out.println("  | " + l));
        boolean ok = t.get("status").asText().equals("completed");

        String c = launcher("hakuriver.client") + " --config " + cfgFile;
        System.out.println();
        System.out.println("Host API and dashboard: http://127.0.0.1:" + port + "/   (runner at http://127.0.0.1:" + (port + 1) + ")");
        System.out.println("Try:");
        System.out.println("  " + c + " --list-nodes");
        System.out.println("  " + c + " --wait -- echo hello");
        System.out.println("  " + c + " --container NULL --cores 1 --memory 256M -- sleep 60");
        System.out.println("  " + c + " tasks");
        System.out.println("  " + c + " logs " + id);
        System.out.println("Or point every client command (also the README's) at the demo:  export HAKURIVER_CONFIG=" + cfgFile);
        if (exitAfterSample) {
            stopAll.run();
            return ok ? ExitCodes.OK : ExitCodes.FAILURE;
        }
        System.out.println("Serving until Ctrl-C (which also kills the demo's unfinished tasks).");
        return HostCommand.serveUntilStopped(signals, stopAll, "demo");
    }

    /** The launcher as the user can type it: bin/hakuriver exports its directory (symlinks resolved). */
    static String launcher(String name) {
        String bin = System.getenv("HAKURIVER_BIN");
        if (bin == null || bin.isBlank()) return name;
        Path p = Path.of(bin, name);
        Path rel = Path.of("").toAbsolutePath().relativize(p);
        return rel.toString().startsWith("..") ? p.toString() : rel.toString();
    }
}
