package io.hakuriver.bench;

import java.util.Arrays;
import java.util.Locale;

/** Order statistics of a sample of durations (nanoseconds), printed in milliseconds. */
final class Stats {
    private final long[] sorted;

    Stats(long[] values) {
        this.sorted = values.clone();
        Arrays.sort(sorted);
    }

    int count() { return sorted.length; }

    /** Nearest-rank percentile, {@code p} in [0, 100]. */
    long percentile(double p) {
        if (sorted.length == 0) return 0;
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    long median() { return percentile(50); }
    long min() { return sorted.length == 0 ? 0 : sorted[0]; }
    long max() { return sorted.length == 0 ? 0 : sorted[sorted.length - 1]; }

    double mean() {
        if (sorted.length == 0) return 0;
        double s = 0;
        for (long v : sorted) s += v;
        return s / sorted.length;
    }

    static String ms(double nanos) { return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6); }

    /** One line: n, min, p50, p90, p99, max, mean. */
    String summary() {
        return String.format(Locale.ROOT, "n=%d  min %s  p50 %s  p90 %s  p99 %s  max %s  mean %s", count(),
                ms(min()), ms(median()), ms(percentile(90)), ms(percentile(99)), ms(max()), ms(mean()));
    }
}
