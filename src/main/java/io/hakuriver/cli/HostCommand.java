package io.hakuriver.cli;

import io.hakuriver.config.ConfigOption;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.host.HostServer;
import io.hakuriver.util.ExitCodes;
import io.hakuriver.util.StopSignals;
import io.hakuriver.util.VersionProvider;
import io.hakuriver.util.WritableDirs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** hakuriver.host: the Host daemon. SIGTERM/SIGINT stop it cleanly with exit status 0. */
@Command(name = "host", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, subcommands = MigrateCommand.class,
        description = "Run the HakuRiver Host (HTTP API, SQLite or PostgreSQL state, scheduler, dashboard).")
public class HostCommand implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Override public Integer call() throws Exception {
        HakuConfig cfg = config.load();
        StopSignals signals = StopSignals.install();
        System.out.println("Starting HakuRiver Host server on " + cfg.network().hostBindIp() + ":" + cfg.network().hostPort() + "...");
        LogFiles.attach(cfg.paths().hostLogFile(), null);
        LogFiles.warnRelative(cfg, true);
        io.hakuriver.config.SecretFiles.problems(cfg).forEach(org.slf4j.LoggerFactory.getLogger(getClass())::warn);
        List<java.nio.file.Path> dirs = cfg.database().postgres() ? List.of(cfg.taskOutputsDir(), cfg.taskErrorsDir())
                : List.of(cfg.dbFile().getParent(), cfg.taskOutputsDir(), cfg.taskErrorsDir());
        Optional<String> unwritable = WritableDirs.problem(WritableDirs.unitName("hakuriver-host.service"), dirs);
        if (unwritable.isPresent()) {
            System.err.println("Error: the Host could not start: " + unwritable.get());
            return ExitCodes.USAGE; // a configuration problem: restarting cannot fix it
        }
        HostServer server;
        java.util.concurrent.atomic.AtomicBoolean lost = new java.util.concurrent.atomic.AtomicBoolean();
        try {
            server = HostAssembly.create(cfg, signals, () -> { lost.set(true); signals.trigger("Leadership lost"); });
            if (server == null) { System.out.println("Stopped while standby."); return ExitCodes.OK; }
            server.start();
        } catch (RuntimeException e) {
            System.err.println("Error: the Host could not start: " + rootMessage(e));
            return ExitCodes.FAILURE;
        }
        int code = serveUntilStopped(signals, server::close, "Host");
        // a failure status: the service manager starts it again, and it waits as the standby
        return lost.get() ? ExitCodes.FAILURE : code;
    }

    /** Waits for SIGTERM/SIGINT, closes, and reports a clean stop (exit 0). */
    static int serveUntilStopped(StopSignals signals, Runnable close, String what) throws InterruptedException {
        if (!signals.installed()) {
            // no signal API: the JVM's default handling (exit 143 on SIGTERM) with a hook that still closes everything
            Runtime.getRuntime().addShutdownHook(new Thread(close, what.toLowerCase() + "-shutdown"));
            Thread.currentThread().join();
        }
        String sig = signals.await();
        System.out.println((sig.equals("TERM") || sig.equals("INT") ? "SIG" + sig + " received" : sig) + ": stopping the " + what + ".");
        haltIfStuck(what);
        close.run();
        System.out.println("HakuRiver " + what + " stopped.");
        return ExitCodes.OK;
    }

    /** Seconds a stop may take before the process ends anyway: a stuck request thread must not keep it half-alive. */
    static final int STOP_GRACE_SECONDS = 20;

    private static void haltIfStuck(String what) {
        Thread t = new Thread(() -> {
            try { Thread.sleep(STOP_GRACE_SECONDS * 1000L); } catch (InterruptedException e) { return; }
            System.err.println("The " + what + " did not stop within " + STOP_GRACE_SECONDS + " s; ending the process.");
            Runtime.getRuntime().halt(ExitCodes.FAILURE);
        }, "stop-deadline");
        t.setDaemon(true);
        t.start();
    }

    static String rootMessage(Throwable e) {
        String msg = e.getMessage();
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        if (c != e && c.getMessage() != null && (msg == null || !msg.contains(c.getMessage()))) msg = (msg == null ? "" : msg + ": ") + c.getMessage();
        return msg == null ? e.toString() : msg;
    }
}
