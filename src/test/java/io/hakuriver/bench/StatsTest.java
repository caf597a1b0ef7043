package io.hakuriver.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The harness's arithmetic and /proc parsing, so that its numbers can be trusted. */
class StatsTest {
    @Test
    void nearestRankPercentilesOfAnUnsortedSample() {
        long[] v = new long[100];
        for (int i = 0; i < 100; i++) v[i] = (100 - i) * 1_000_000L; // 100 ms .. 1 ms, reversed
        Stats s = new Stats(v);
        assertThat(s.median()).isEqualTo(50_000_000L);
        assertThat(s.percentile(90)).isEqualTo(90_000_000L);
        assertThat(s.percentile(99)).isEqualTo(99_000_000L);
        assertThat(s.min()).isEqualTo(1_000_000L);
        assertThat(s.max()).isEqualTo(100_000_000L);
        assertThat(s.mean()).isEqualTo(50_500_000.0);
        assertThat(s.summary()).contains("p50 50.00 ms", "p99 99.00 ms");
    }

    @Test
    void smallSamplesDoNotIndexOutOfRange() {
        Stats one = new Stats(new long[]{7});
        assertThat(one.percentile(0)).isEqualTo(7);
        assertThat(one.percentile(100)).isEqualTo(7);
        assertThat(new Stats(new long[0]).median()).isZero();
    }

    @Test
    void readsThisProcessFromProc() throws Exception {
        long pid = ProcessHandle.current().pid();
        ProcStats.Memory m = ProcStats.memory(pid);
        assertThat(m.rssKb()).isPositive();
        assertThat(m.anonKb() + m.fileKb()).isLessThanOrEqualTo(m.rssKb() + 1024); // RssShmem is the rest
        assertThat(m.threads()).isGreaterThan(1);
        assertThat(ProcStats.cpuMillis(pid)).isPositive();
        var release = new java.util.concurrent.CountDownLatch(1);
        Thread probe = new Thread(() -> { try { release.await(); } catch (InterruptedException ignored) { } }, "bench-probe");
        probe.start();
        try {
            // the JVM names the native thread from inside the new thread, so the name may appear a moment later
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(ProcStats.threadGroups(pid)).contains("1 x bench-probe"));
        } finally {
            release.countDown();
            probe.join();
        }
    }
}
