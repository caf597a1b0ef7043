package io.hakuriver.host;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The exposition writer: cumulative buckets, escaped label values, numbers as Prometheus reads them. */
class MetricsTextTest {
    @Test void bucketsAreCumulativeAndInfCountsEverything() {
        LatencyHistogram h = new LatencyHistogram("x_seconds", "help", 0.1, 1, 10);
        h.observe(0.05);
        h.observe(0.5);
        h.observe(5);
        h.observe(50);
        h.observe(-3); // a clock step back counts as 0
        MetricsText out = new MetricsText();
        h.render(out);
        assertThat(out.toString()).isEqualTo("""
            # HELP x_seconds help
            # TYPE x_seconds histogram
            x_seconds_bucket{le="0.1"} 2
            x_seconds_bucket{le="1"} 3
            x_seconds_bucket{le="10"} 4
            x_seconds_bucket{le="+Inf"} 5
            x_seconds_sum 55.55
            x_seconds_count 5
            """);
    }

    @Test void labelValuesAreEscaped() {
        MetricsText out = new MetricsText();
        out.sample("m", "node", "a\"b\\c\nd", 1.5);
        assertThat(out.toString()).isEqualTo("m{node=\"a\\\"b\\\\c\\nd\"} 1.5\n");
        assertThat(MetricsText.number(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(MetricsText.number(3.0)).isEqualTo("3");
    }
}
