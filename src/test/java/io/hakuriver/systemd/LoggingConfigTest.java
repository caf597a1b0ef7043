package io.hakuriver.systemd;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.status.Status;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** Logging is set up by LogSetup (not logback's defaults, which would log to stdout): one CONSOLE appender, no warnings. */
class LoggingConfigTest {
    @Test void loggingIsSetUpWithoutErrors() {
        LoggerFactory.getLogger(LoggingConfigTest.class).info("logging configured");
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        assertThat(ctx.getStatusManager().getCopyOfStatusList())
                .noneMatch(s -> s.getLevel() >= Status.WARN);
        assertThat(ctx.getLogger("ROOT").getAppender("CONSOLE")).isNotNull();
    }
}
