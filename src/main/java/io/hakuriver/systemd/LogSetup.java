package io.hakuriver.systemd;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logging for every command, set up in code (found by logback through META-INF/services) rather than from an XML
 * file: parsing XML loads an XML parser and logback's configuration model, about 600 classes and several MiB in
 * every daemon. One console appender on stderr (stdout stays clean for the client's tables and JSON; systemd sends
 * both to the journal) with {@link JournaldAwareLayout}; root level from HAKURIVER_LOG_LEVEL (default INFO).
 * An operator's own file ({@code -Dlogback.configurationFile=...}) still takes precedence.
 * It lives beside its layout, whose class name such a file may use, so util stays free of systemd.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
    @Override public ExecutionStatus configure(LoggerContext ctx) {
        if (System.getProperty("logback.configurationFile") != null) return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        JournaldAwareLayout layout = new JournaldAwareLayout();
        layout.setContext(ctx);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(ctx);
        encoder.setLayout(layout);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(ctx);
        console.setName("CONSOLE");
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.start();
        for (String quiet : new String[]{"org.eclipse.jetty", "io.javalin", "org.sqlite"}) ctx.getLogger(quiet).setLevel(Level.WARN);
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        String level = System.getenv("HAKURIVER_LOG_LEVEL");
        root.setLevel(Level.toLevel(level == null || level.isBlank() ? "INFO" : level.trim(), Level.INFO));
        root.addAppender(console);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
