package io.hakuriver.cli;

import io.hakuriver.config.HakuConfig;
import io.hakuriver.host.HostServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** hakuriver.host: the Host daemon. */
@Command(name = "host", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Run the HakuRiver Host (HTTP API, SQLite state, scheduler, dashboard).")
public class HostCommand implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Override public Integer call() throws Exception {
        HakuConfig cfg = config.load();
        System.out.println("Starting HakuRiver Host server on " + cfg.network().hostBindIp() + ":" + cfg.network().hostPort() + "...");
        io.hakuriver.util.LogFiles.attach(cfg.paths().hostLogFile(), null);
        io.hakuriver.util.LogFiles.warnRelative(cfg, true);
        HostServer server;
        try {
            server = HostAssembly.create(cfg).start();
        } catch (RuntimeException e) {
            System.err.println("Error: the Host could not start: " + rootMessage(e));
            return ExitCodes.FAILURE;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> { server.close(); stop.countDown(); }, "host-shutdown"));
        stop.await();
        return ExitCodes.OK;
    }

    static String rootMessage(Throwable e) {
        String msg = e.getMessage();
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        if (c != e && c.getMessage() != null && (msg == null || !msg.contains(c.getMessage()))) msg = (msg == null ? "" : msg + ": ") + c.getMessage();
        return msg == null ? e.toString() : msg;
    }
}
