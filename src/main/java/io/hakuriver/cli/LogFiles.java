package io.hakuriver.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import io.hakuriver.config.HakuConfig;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * [paths] host_log_file / runner_log_file: when set, logs also go to that file (the original declared the keys but
 * never used them). For the runner a file name "runner.log" becomes "runner-&lt;name&gt;.log", as the original intended.
 * Part of the daemons' start-up (HostCommand, RunnerCommand), so it lives with them: it reads the config, which util may not.
 */
public final class LogFiles {
    private LogFiles() {}

    public static void attach(String configured, String runnerName) {
        if (configured == null || configured.isBlank()) return;
        Path file = Path.of(configured);
        if (runnerName != null) {
            String n = file.getFileName().toString();
            int dot = n.lastIndexOf('.');
            n = dot > 0 ? n.substring(0, dot) + "-" + runnerName + n.substring(dot) : n + "-" + runnerName;
            file = file.resolveSibling(n);
        }
        try {
            if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (Exception e) {
            LoggerFactory.getLogger(LogFiles.class).warn("cannot create the directory of log file {}: {}", file, e.toString());
            return;
        }
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) return;
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %logger{0} - %msg%n");
        enc.start();
        FileAppender<ILoggingEvent> app = new FileAppender<>();
        app.setContext(ctx);
        app.setName("FILE");
        app.setFile(file.toAbsolutePath().toString());
        app.setAppend(true);
        app.setEncoder(enc);
        app.start();
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(app);
    }

    /** Warns about relative paths: they resolve against each process's working directory (spec §2.4). */
    public static void warnRelative(HakuConfig cfg, boolean host) {
        org.slf4j.Logger log = LoggerFactory.getLogger(LogFiles.class);
        check(log, "paths.shared_dir", cfg.paths().sharedDir(), cfg.sharedDir());
        if (host) check(log, "database.db_file", cfg.database().dbFile(), cfg.dbFile());
        else check(log, "paths.local_temp_dir", cfg.paths().localTempDir(), cfg.localTempDir());
    }

    private static void check(org.slf4j.Logger log, String key, String value, Path resolved) {
        if (!Path.of(value).isAbsolute()) {
            log.warn("{} = \"{}\" is relative; it resolves to {} from this working directory. Use an absolute path on a cluster.",
                    key, value, resolved);
        }
    }
}
