package io.hakuriver.host;

/**
 * A Prometheus-style histogram with fixed bucket bounds (seconds): cumulative counts, sum and count. Callers hold the
 * state lock, so it needs no synchronisation of its own; its size never grows.
 */
final class LatencyHistogram {
    final String name;
    final String help;
    private final double[] bounds;
    private final long[] counts;
    private double sum;
    private long count;

    LatencyHistogram(String name, String help, double... bounds) {
        this.name = name;
        this.help = help;
        this.bounds = bounds.clone();
        this.counts = new long[bounds.length];
    }

    void observe(double seconds) {
        if (!(seconds >= 0)) seconds = 0; // a clock step backwards is not a negative latency
        for (int i = 0; i < bounds.length; i++) if (seconds <= bounds[i]) counts[i]++;
        sum += seconds;
        count++;
    }

    /** Appends the histogram in the text exposition format. */
    void render(MetricsText out) {
        out.header(name, "histogram", help);
        for (int i = 0; i < bounds.length; i++) out.sample(name + "_bucket", "le", MetricsText.number(bounds[i]), counts[i]);
        out.sample(name + "_bucket", "le", "+Inf", count);
        out.sample(name + "_sum", sum);
        out.sample(name + "_count", count);
    }

    long count() { return count; }
}
