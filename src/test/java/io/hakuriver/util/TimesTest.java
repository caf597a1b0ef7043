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
}
