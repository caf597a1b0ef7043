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

    /** Parses ISO-8601 with or without offset (naive values are the sender's local time, as in the original). */
    public static Instant parse(String s) {
        if (s == null || s.isBlank()) return null;
        String t = s.trim().replace(' ', 'T');
        try { return OffsetDateTime.parse(t).toInstant(); } catch (DateTimeParseException ignored) { }
        try { return LocalDateTime.parse(t).atZone(ZoneId.systemDefault()).toInstant(); }
        catch (DateTimeParseException e) { throw new IllegalArgumentException("invalid timestamp '" + s + "'"); }
    }
}
