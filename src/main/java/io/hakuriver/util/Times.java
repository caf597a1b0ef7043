package io.hakuriver.util;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Timestamps: stored and sent as UTC instants with an explicit offset; input with or without offset/fraction. */
public final class Times {
    private static final DateTimeFormatter OUT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx");

    private Times() {}

    public static String format(Instant t) {
        return t == null ? null : OUT.format(t.atOffset(ZoneOffset.UTC));
    }

    public static String now() { return format(Instant.now()); }

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");

    /**
     * What the original Runner sends (Python's naive {@code datetime.now().isoformat()}): local time, no offset.
     * A v0.1 Host stores an offset it is sent and then cannot read it back; every Host reads this form.
     */
    public static String local(Instant t) { return t == null ? null : LOCAL.format(LocalDateTime.ofInstant(t, ZoneId.systemDefault())); }

    public static String localNow() { return local(Instant.now()); }

    /** Parses ISO-8601 with or without offset (naive values are the sender's local time, as in the original). */
    public static Instant parse(String s) {
        if (s == null || s.isBlank()) return null;
        String t = s.trim().replace(' ', 'T');
        // choose the parser first: a failed parse costs an exception, and every update carries naive timestamps
        boolean offset = hasOffset(t);
        try { return offset ? OffsetDateTime.parse(t).toInstant() : LocalDateTime.parse(t).atZone(ZoneId.systemDefault()).toInstant(); }
        catch (DateTimeParseException ignored) { }
        try { return offset ? LocalDateTime.parse(t).atZone(ZoneId.systemDefault()).toInstant() : OffsetDateTime.parse(t).toInstant(); }
        catch (DateTimeParseException e) { throw new IllegalArgumentException("invalid timestamp '" + s + "'"); }
    }

    /** 'Z' or a sign after the time part ("…T12:00:00+02:00"); the date's own dashes come before the 'T'. */
    private static boolean hasOffset(String t) {
        int time = t.indexOf('T');
        if (time < 0) return false;
        char last = t.charAt(t.length() - 1);
        return last == 'Z' || last == 'z' || t.indexOf('+', time) > 0 || t.indexOf('-', time) > 0;
    }
}
