package io.hakuriver.systemd;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;

/**
 * Log layout that adapts to where stdout goes. Under systemd with stdout connected to journald ($JOURNAL_STREAM
 * names our stdout), every line starts with an sd-daemon(3) priority prefix ({@code <3>} error, {@code <4>} warning,
 * {@code <6>} info, {@code <7>} debug) and carries no timestamp (journald adds its own), so
 * {@code journalctl -u hakuriver-runner.service -p warning} filters by level. Elsewhere the readable
 * {@code HH:mm:ss LEVEL logger - message} format.
 */
public class JournaldAwareLayout extends LayoutBase<ILoggingEvent> {
    private boolean journal;
    /** Set in an operator's logback configuration file to force a mode ("journal" / "terminal"); default "auto". */
    private String mode = "auto";

    public void setMode(String mode) { this.mode = mode; }

    @Override
    public void start() {
        journal = switch (mode) {
            case "journal" -> true;
            case "terminal" -> false;
            default -> stdoutIsJournal(System.getenv(), Path.of("/proc/self/fd/2")); // logs go to stderr
        };
        super.start();
    }

    public boolean journalMode() { return journal; }

    /**
     * $JOURNAL_STREAM is "device:inode" of the journald stream systemd connected; it is inherited by children whose
     * stdout may go elsewhere, so it counts only when it matches our stdout (systemd.exec(5)). When the inode cannot
     * be read the variable is trusted.
     */
    static boolean stdoutIsJournal(Map<String, String> env, Path stdoutLink) {
        String js = env.get("JOURNAL_STREAM");
        if (js == null || !js.matches("\\d+:\\d+")) return false;
        String[] parts = js.split(":");
        try {
            long dev = ((Number) Files.getAttribute(stdoutLink, "unix:dev")).longValue();
            long ino = ((Number) Files.getAttribute(stdoutLink, "unix:ino")).longValue();
            return Long.parseLong(parts[0]) == dev && Long.parseLong(parts[1]) == ino;
        } catch (Exception e) {
            return true;
        }
    }

    static int syslogPriority(Level level) {
        if (level.isGreaterOrEqual(Level.ERROR)) return 3;
        if (level.isGreaterOrEqual(Level.WARN)) return 4;
        if (level.isGreaterOrEqual(Level.INFO)) return 6;
        return 7;
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        if (!journal) return terminal(event);
        String prefix = "<" + syslogPriority(event.getLevel()) + ">";
        StringBuilder sb = new StringBuilder(128);
        appendLines(sb, prefix, event.getLoggerName().substring(event.getLoggerName().lastIndexOf('.') + 1)
                + " - " + event.getFormattedMessage());
        IThrowableProxy tp = event.getThrowableProxy();
        // Each line of a stack trace becomes its own journal entry: give every one the event's priority.
        if (tp != null) appendLines(sb, prefix, ThrowableProxyUtil.asString(tp));
        return sb.toString();
    }

    /**
     * What logback's pattern {@code %d{HH:mm:ss} %-5level %logger{0} - %msg%n%ex} prints, written out by hand: a
     * PatternLayout loads ~150 classes (its parser and a converter per keyword), 1-2 MiB of a daemon that logs little.
     */
    static String terminal(ILoggingEvent event) {
        StringBuilder sb = new StringBuilder(96);
        LocalTime t = LocalTime.ofInstant(Instant.ofEpochMilli(event.getTimeStamp()), ZoneId.systemDefault());
        two(sb, t.getHour()).append(':');
        two(sb, t.getMinute()).append(':');
        two(sb, t.getSecond()).append(' ');
        String level = event.getLevel().toString();
        sb.append(level);
        for (int i = level.length(); i < 5; i++) sb.append(' ');
        String logger = event.getLoggerName();
        sb.append(' ').append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(" - ").append(event.getFormattedMessage())
                .append(System.lineSeparator());
        IThrowableProxy tp = event.getThrowableProxy();
        if (tp != null) sb.append(ThrowableProxyUtil.asString(tp)); // ends with its own line separator
        return sb.toString();
    }

    private static StringBuilder two(StringBuilder sb, int v) { return sb.append((char) ('0' + v / 10)).append((char) ('0' + v % 10)); }

    private static void appendLines(StringBuilder sb, String prefix, String text) {
        for (String line : text.split("\r?\n", -1)) {
            if (line.isEmpty()) continue;
            sb.append(prefix).append(line).append('\n');
        }
    }
}
