package io.hakuriver.util;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.status.Status;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped logback.xml must parse: a broken one silently falls back to logback's defaults in every daemon. */
class LoggingConfigTest {
    @Test void shippedLogbackConfigurationLoadsWithoutErrors() {
        LoggerFactory.getLogger(LoggingConfigTest.class).info("logging configured");
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        assertThat(ctx.getStatusManager().getCopyOfStatusList())
                .noneMatch(s -> s.getLevel() >= Status.WARN);
        assertThat(ctx.getLogger("ROOT").getAppender("CONSOLE")).isNotNull();
    }
}
