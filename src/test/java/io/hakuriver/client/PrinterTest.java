package io.hakuriver.client;

import io.hakuriver.util.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PrinterTest {
    @Test void tableLinesEndWithoutPadding() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Printer.table(new PrintStream(b, true, StandardCharsets.UTF_8), List.of("A", "LONG HEADER"),
                List.of(List.of("x", "y"), List.of("wider", "z")));
        assertThat(b.toString(StandardCharsets.UTF_8)).isEqualTo("A      LONG HEADER\nx      y\nwider  z\n".replace("\n", System.lineSeparator()));
    }

    @Test void timestampsAreLocalToTheSecond() {
        String local = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").format(Instant.parse("2026-12-01T21:31:23Z").atZone(ZoneId.systemDefault()));
        assertThat(Printer.time(Json.tree("\"2026-12-01T21:31:23.265861+00:00\""))).isEqualTo(local);
        assertThat(Printer.time(Json.tree("null"))).isEqualTo("-");
        assertThat(Printer.time(Json.tree("\"not a time\""))).isEqualTo("not a time");
    }

    @Test void countsArePlural() {
        assertThat(Style.count(1, "task")).isEqualTo("1 task");
        assertThat(Style.count(0, "core")).isEqualTo("0 cores");
        assertThat(Style.count(2, "target")).isEqualTo("2 targets");
    }

    @Test void colourOnlyWhenAsked() {
        assertThat(new Style(true, false).state("failed")).isEqualTo("failed");
        assertThat(new Style(true, true).state("failed")).isEqualTo("\u001b[31mfailed\u001b[0m");
        assertThat(Style.plain().dim("x")).isEqualTo("x");
    }
}
