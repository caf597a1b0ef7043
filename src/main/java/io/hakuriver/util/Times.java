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
        LocalDateTime naive = naive(s);
        if (naive != null) return naive.atZone(ZoneId.systemDefault()).toInstant();
        String t = s.trim().replace(' ', 'T');
        // choose the parser first: a failed parse costs an exception, and every update carries naive timestamps
        boolean offset = hasOffset(t);
        try { return offset ? OffsetDateTime.parse(t).toInstant() : LocalDateTime.parse(t).atZone(ZoneId.systemDefault()).toInstant(); }
        catch (DateTimeParseException ignored) { }
        try { return offset ? LocalDateTime.parse(t).atZone(ZoneId.systemDefault()).toInstant() : OffsetDateTime.parse(t).toInstant(); }
        catch (DateTimeParseException e) { throw new IllegalArgumentException("invalid timestamp '" + s + "'"); }
    }

    /**
     * The form every update carries (the original Runner's and ours), "2026-11-26T05:08:47.456122", read digit by
     * digit: java.time's parser took about a microsecond per timestamp, several per update. Null for anything else
     * (another form, an offset, an impossible date), which the general parser then reads or refuses.
     */
    private static LocalDateTime naive(String s) {
        int n = s.length();
        if (n < 19 || n == 20 || n > 29 || s.charAt(4) != '-' || s.charAt(7) != '-' || (s.charAt(10) != 'T' && s.charAt(10) != ' ')
                || s.charAt(13) != ':' || s.charAt(16) != ':' || (n > 19 && s.charAt(19) != '.')) return null;
        int year = digits(s, 0, 4), month = digits(s, 5, 7), day = digits(s, 8, 10);
        int hour = digits(s, 11, 13), minute = digits(s, 14, 16), second = digits(s, 17, 19);
        int nanos = 0;
        if (n > 19) {
            nanos = digits(s, 20, n);
            for (int i = n; i < 29; i++) nanos *= 10; // ".456122" is 456122000 ns
        }
        if ((year | month | day | hour | minute | second | nanos) < 0) return null;
        try { return LocalDateTime.of(year, month, day, hour, minute, second, nanos); }
        catch (java.time.DateTimeException impossible) { return null; }
    }

    /** The decimal number s[from, to), or -1 when a character is not a digit. */
    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** 'Z' or a sign after the time part ("…T12:00:00+02:00"); the date's own dashes come before the 'T'. */
    private static boolean hasOffset(String t) {
        int time = t.indexOf('T');
        if (time < 0) return false;
        char last = t.charAt(t.length() - 1);
        return last == 'Z' || last == 'z' || t.indexOf('+', time) > 0 || t.indexOf('-', time) > 0;
    }
}
