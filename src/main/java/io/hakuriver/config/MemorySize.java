package io.hakuriver.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory sizes as users write them. One convention on every path (CLI, dashboard, Docker, systemd):
 * K/M/G/T are binary multiples (1024-based), exactly as Docker's --memory and systemd's MemoryMax read them.
 * "512M", "4G", "1.5G", "2GiB", "800MB", "1048576" (bytes) are all accepted.
 */
public final class MemorySize {
    private static final Pattern FORMAT =
            Pattern.compile("^\\s*(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(i?b?)\\s*$", Pattern.CASE_INSENSITIVE);

    private MemorySize() {}

    public static long parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("empty memory size");
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid memory size '" + text
                    + "': use a number with an optional unit K, M, G or T (1024-based), e.g. 512M or 4G");
        }
        double number = Double.parseDouble(m.group(1));
        String unit = m.group(2).toUpperCase(Locale.ROOT);
        if (unit.isEmpty() && !m.group(3).isEmpty() && !m.group(3).equalsIgnoreCase("b")) {
            throw new IllegalArgumentException("invalid memory size '" + text + "'");
        }
        long mult = switch (unit) {
            case "K" -> 1L << 10;
            case "M" -> 1L << 20;
            case "G" -> 1L << 30;
            case "T" -> 1L << 40;
            default -> 1L;
        };
        double bytes = number * mult;
        if (bytes > Long.MAX_VALUE / 2) throw new IllegalArgumentException("memory size too large: '" + text + "'");
        if (unit.isEmpty() && number != Math.floor(number)) {
            throw new IllegalArgumentException("invalid memory size '" + text + "': bytes must be a whole number");
        }
        return (long) Math.floor(bytes);
    }

    /** Human form, e.g. 536870912 -> "512.0 MiB". */
    public static String format(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
        return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }
}
