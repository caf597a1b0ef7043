package io.hakuriver.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Prints result lines as they come and keeps them for the results file. */
final class Report {
    private final StringBuilder text = new StringBuilder();

    synchronized void line(String s) {
        System.out.println(s);
        System.out.flush();
        text.append(s).append('\n');
    }

    void line(String fmt, Object... args) { line(String.format(Locale.ROOT, fmt, args)); }

    void section(String title) {
        line("");
        line("== " + title);
    }

    /** A measured value next to its target, so a reader sees the verdict without the harness deciding anything. */
    void target(String what, String measured, String target, boolean met) {
        line("  %-44s %-22s target %-14s %s", what, measured, target, met ? "[met]" : "[MISSED]");
    }

    synchronized void writeTo(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text.toString());
    }
}
