package io.hakuriver.systemd;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JournaldAwareLayoutTest {
    @TempDir Path dir;
    final LoggerContext ctx = new LoggerContext();
    final Logger logger = ctx.getLogger("io.hakuriver.runner.RunnerDaemon");

    JournaldAwareLayout layout(String mode) {
        JournaldAwareLayout l = new JournaldAwareLayout();
        l.setContext(ctx);
        l.setMode(mode);
        l.start();
        return l;
    }

    LoggingEvent event(Level level, String msg, Throwable t) {
        return new LoggingEvent(Logger.class.getName(), logger, level, msg, t, null);
    }

    @Test
    void journalLinesCarrySyslogPrioritiesAndNoTimestamp() {
        JournaldAwareLayout l = layout("journal");
        assertThat(l.doLayout(event(Level.ERROR, "db gone", null))).isEqualTo("<3>RunnerDaemon - db gone\n");
        assertThat(l.doLayout(event(Level.WARN, "slow", null))).isEqualTo("<4>RunnerDaemon - slow\n");
        assertThat(l.doLayout(event(Level.INFO, "serving", null))).isEqualTo("<6>RunnerDaemon - serving\n");
        assertThat(l.doLayout(event(Level.DEBUG, "detail", null))).isEqualTo("<7>RunnerDaemon - detail\n");
    }

    @Test
    void everyLineOfAMultiLineMessageAndStackTraceKeepsThePriority() {
        String out = layout("journal").doLayout(event(Level.WARN, "first\nsecond", new IllegalStateException("boom")));
        assertThat(out.lines()).allMatch(line -> line.startsWith("<4>"));
        assertThat(out).contains("<4>RunnerDaemon - first\n<4>second\n", "<4>java.lang.IllegalStateException: boom\n");
    }

    @Test
    void terminalFormatIsReadable() {
        String out = layout("terminal").doLayout(event(Level.INFO, "serving on 8001", null));
        assertThat(out).matches("\\d\\d:\\d\\d:\\d\\d INFO  RunnerDaemon - serving on 8001\\R");
        // what logback's own pattern makes of the same events, stack trace included
        ch.qos.logback.classic.PatternLayout pattern = new ch.qos.logback.classic.PatternLayout();
        pattern.setContext(ctx);
        pattern.setPattern("%d{HH:mm:ss} %-5level %logger{0} - %msg%n%ex");
        pattern.start();
        for (LoggingEvent e : java.util.List.of(event(Level.INFO, "serving on 8001", null), event(Level.ERROR, "x", null),
                event(Level.WARN, "first\nsecond", new IllegalStateException("boom", new RuntimeException("cause"))))) {
            assertThat(layout("terminal").doLayout(e)).isEqualTo(pattern.doLayout(e));
        }
    }

    @Test
    void journalStreamCountsOnlyWhenItIsOurStdout() throws Exception {
        Path f = Files.writeString(dir.resolve("stdout"), "");
        long dev = ((Number) Files.getAttribute(f, "unix:dev")).longValue();
        long ino = ((Number) Files.getAttribute(f, "unix:ino")).longValue();
        assertThat(JournaldAwareLayout.stdoutIsJournal(Map.of("JOURNAL_STREAM", dev + ":" + ino), f)).isTrue();
        assertThat(JournaldAwareLayout.stdoutIsJournal(Map.of("JOURNAL_STREAM", dev + ":" + (ino + 1)), f)).isFalse();
        assertThat(JournaldAwareLayout.stdoutIsJournal(Map.of(), f)).isFalse();
        assertThat(JournaldAwareLayout.stdoutIsJournal(Map.of("JOURNAL_STREAM", "garbage"), f)).isFalse();
    }
}
