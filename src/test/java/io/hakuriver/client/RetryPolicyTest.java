package io.hakuriver.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {
    long now = 1_000_000;
    final RetryPolicy p = new RetryPolicy(Duration.ofMinutes(10), () -> now);

    @Test void backsOffFromHalfASecondDoublingToTenSeconds() {
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 8; i++) { long d = p.failed(); delays.add(d); now += d; }
        assertThat(delays).containsExactly(500L, 1000L, 2000L, 4000L, 8000L, 10_000L, 10_000L, 10_000L);
    }

    @Test void givesUpOnlyAfterTheBoundOfContinuousFailure() {
        long waited = 0;
        long d;
        while ((d = p.failed()) >= 0) { now += d; waited += d; }
        assertThat(waited).isEqualTo(Duration.ofMinutes(10).toMillis()); // the last wait is cut to end exactly at the bound
        assertThat(p.failingForMillis()).isEqualTo(Duration.ofMinutes(10).toMillis());
    }

    @Test void aSuccessStartsANewStreakWithTheShortDelay() {
        now += p.failed();
        now += p.failed();
        now += Duration.ofMinutes(9).toMillis();
        assertThat(p.succeeded()).isTrue();
        assertThat(p.succeeded()).isFalse();
        assertThat(p.failingForMillis()).isZero();
        assertThat(p.failed()).isEqualTo(500L); // not given up: 9 min of failures before the success do not count
    }
}
