package io.hakuriver.util;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SnowflakeTest {
    @Test void idsAreUniqueIncreasingAndKeepTheOriginalLayout() {
        Snowflake s = new Snowflake(0);
        long before = System.currentTimeMillis();
        long prev = 0;
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 50_000; i++) { // far more than 4096 per millisecond: exercises sequence exhaustion
            long id = s.next();
            assertThat(id).isGreaterThan(prev);
            assertThat(seen.add(id)).isTrue();
            prev = id;
        }
        long first = seen.stream().min(Long::compare).orElseThrow();
        assertThat(first >>> 22).isBetween(before, System.currentTimeMillis() + 100);
        assertThat(String.valueOf(first)).hasSize(19);
    }

    @Test void advancePastAStoredIdFromTheFuture() {
        Snowflake s = new Snowflake(0);
        long future = (System.currentTimeMillis() + 60_000) << 22 | 5;
        s.advancePast(future);
        assertThat(s.next()).isGreaterThan(future);
    }
}
