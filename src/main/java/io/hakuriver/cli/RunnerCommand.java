package io.hakuriver.cli;

import io.hakuriver.api.WireJson;
import io.hakuriver.config.ConfigOption;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.runner.RunnerDaemon;
import io.hakuriver.util.ExitCodes;
import io.hakuriver.util.JsonTree;
import io.hakuriver.util.StopSignals;
import io.hakuriver.util.VersionProvider;
import io.hakuriver.util.WritableDirs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.net.HttpURLConnection;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * hakuriver.runner: the agent on a compute node. SIGTERM/SIGINT stop it cleanly (exit 0; its tasks keep running and
 * the next start re-attaches). A Host that refuses the node's name (409: another live Runner holds it) ends it with
 * exit status 2, which the generated units do not restart, instead of leaving an "active" service that is no node.
 */
@Command(name = "runner", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Run a HakuRiver Runner (registers with the Host, runs tasks, reports back).")
public class RunnerCommand implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Override public Integer call() throws Exception {
        io.hakuriver.runner.exec.LaunchMechanism.choose(); // before anything starts a process
        HakuConfig cfg = config.load();
        StopSignals signals = StopSignals.install();
        System.out.println("Starting HakuRiver Runner agent on " + cfg.network().runnerBindIp() + ":" + cfg.network().runnerPort() + "...");
        LogFiles.attach(cfg.paths().runnerLogFile(), cfg.runnerName());
        LogFiles.warnRelative(cfg, false);
        io.hakuriver.config.SecretFiles.problems(cfg).forEach(org.slf4j.LoggerFactory.getLogger(getClass())::warn);
        Optional<String> unwritable = WritableDirs.problem(WritableDirs.unitName("hakuriver-runner.service"),
                List.of(cfg.taskOutputsDir(), cfg.taskErrorsDir(), cfg.localTempDir(), cfg.runnerStateDir()));
        if (unwritable.isPresent()) {
            System.err.println("Error: the Runner could not start: " + unwritable.get());
            return ExitCodes.USAGE;
        }
        RunnerDaemon daemon;
        try {
            daemon = new RunnerDaemon(cfg).start();
        } catch (RuntimeException e) {
            System.err.println("Error: the Runner could not start: " + HostCommand.rootMessage(e));
            return ExitCodes.FAILURE;
        }
        AtomicReference<String> refused = new AtomicReference<>();
        Thread watch = new Thread(() -> watchRegistration(cfg, daemon.port(), refused, signals), "registration-watch");
        watch.setDaemon(true);
        watch.start();
        int code = HostCommand.serveUntilStopped(signals, daemon::close, "Runner");
        if (refused.get() != null) {
            System.err.println("Error: the Host refused this Runner: " + refused.get());
            System.err.println("Set a unique [runner] name in " + (config.path() != null ? config.path().toAbsolutePath() : "the Runner's config") + " (or give each Runner its own runner_port:"
                    + " the default name is then <hostname>-<port>), then start it again.");
            return ExitCodes.USAGE;
        }
        return code;
    }

    /** Polls the Runner's own /health until it is registered; a 409 refusal stops the Runner. */
    private static void watchRegistration(HakuConfig cfg, int port, AtomicReference<String> refused, StopSignals signals) {
        String bind = cfg.network().runnerBindIp();
        String addr = bind == null || bind.isBlank() || bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind;
        String url = "http://" + (addr.contains(":") ? "[" + addr + "]" : addr) + ":" + port + "/health";
        String token = cfg.resolvedToken();
        while (true) {
            try {
                Thread.sleep(500);
                HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
                c.setConnectTimeout(2000);
                c.setReadTimeout(5000);
                if (!token.isEmpty()) c.setRequestProperty("Authorization", "Bearer " + token);
                Object h = WireJson.parse(c.getInputStream().readAllBytes());
                if (JsonTree.isTrue(JsonTree.at(h, "registered"))) return;
                String err = JsonTree.text(JsonTree.at(h, "last_registration_error"), "");
                if (err.startsWith("HTTP 409")) {
                    refused.set(err);
                    signals.trigger("registration refused (409)");
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // the Runner is still starting or busy: look again
            }
        }
    }
}
