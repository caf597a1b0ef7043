package io.hakuriver.cli;

import io.hakuriver.config.HakuConfig;
import io.hakuriver.runner.RunnerDaemon;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** hakuriver.runner: the agent on a compute node. */
@Command(name = "runner", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Run a HakuRiver Runner (registers with the Host, runs tasks, reports back).")
public class RunnerCommand implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Override public Integer call() throws Exception {
        HakuConfig cfg = config.load();
        System.out.println("Starting HakuRiver Runner agent on " + cfg.network().runnerBindIp() + ":" + cfg.network().runnerPort() + "...");
        io.hakuriver.util.LogFiles.attach(cfg.paths().runnerLogFile(), cfg.runnerName());
        io.hakuriver.util.LogFiles.warnRelative(cfg, false);
        RunnerDaemon daemon;
        try {
            daemon = new RunnerDaemon(cfg).start();
        } catch (RuntimeException e) {
            System.err.println("Error: the Runner could not start: " + HostCommand.rootMessage(e));
            return ExitCodes.FAILURE;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> { daemon.close(); stop.countDown(); }, "runner-shutdown"));
        stop.await();
        return ExitCodes.OK;
    }
}
