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
        try { return OffsetDateTime.parse(t).toInstant(); } catch (DateTimeParseException ignored) { }
        try { return LocalDateTime.parse(t).atZone(ZoneId.systemDefault()).toInstant(); }
        catch (DateTimeParseException e) { throw new IllegalArgumentException("invalid timestamp '" + s + "'"); }
    }
}
