package io.hakuriver.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MemorySizeTest {
    @ParameterizedTest
    @CsvSource({"1048576,1048576", "512M,536870912", "512m,536870912", "4G,4294967296", "1.5G,1610612736",
            "2GiB,2147483648", "800MB,838860800", "64K,65536", "1T,1099511627776", "100b,100"})
    void parsesBinaryUnits(String text, long bytes) { assertThat(MemorySize.parse(text)).isEqualTo(bytes); }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "12Q", "-5M", "M", "1.5", "4 GB extra", "1e9"})
    void rejectsGarbage(String text) {
        assertThatThrownBy(() -> MemorySize.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({"512,512 B", "536870912,512.0 MiB", "1610612736,1.5 GiB"})
    void formats(long bytes, String text) { assertThat(MemorySize.format(bytes)).isEqualTo(text); }
}
