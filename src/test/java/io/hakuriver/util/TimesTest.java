package io.hakuriver.util;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;

class TimesTest {
    @Test void localTimeHasNoOffsetAndReadsBackAsTheSameInstant() {
        Instant t = Instant.parse("2026-03-04T05:06:07.123456789Z");
        String s = Times.local(t);
        assertThat(s).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}");
        assertThat(Times.parse(s)).isEqualTo(t.truncatedTo(ChronoUnit.MICROS));
        assertThat(Times.parse(Times.format(t))).isEqualTo(t.truncatedTo(ChronoUnit.MICROS));
    }

    @Test void everyFormTheWireCarriesReadsAsTheGeneralParserReadsIt() {
        for (String s : java.util.List.of("2026-11-26T05:08:47.456122", "2026-11-26T05:08:47", "2026-11-26 05:08:47.4",
                "2026-11-26T05:08:47.123456789", "2024-02-29T23:59:59.999999")) {
            assertThat(Times.parse(s)).as(s).isEqualTo(java.time.LocalDateTime.parse(s.replace(' ', 'T'))
                    .atZone(java.time.ZoneId.systemDefault()).toInstant());
        }
        assertThat(Times.parse("2026-11-26T05:08:47.456122+02:00")).isEqualTo(Instant.parse("2026-11-26T03:08:47.456122Z"));
        assertThat(Times.parse("2026-11-26T05:08:47Z")).isEqualTo(Instant.parse("2026-11-26T05:08:47Z"));
        for (String bad : java.util.List.of("2026-02-30T05:08:47", "2026-11-26T25:08:47", "2026-1x-26T05:08:47", "yesterday")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Times.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
