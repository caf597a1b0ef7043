package io.hakuriver.hakurun;

import java.util.List;

/** One element of the Cartesian product: its 1-based position and one value per argument, in argument order. */
public record Combination(long index, List<SpanValue> values) {
    public Combination {
        values = List.copyOf(values);
    }

    public List<String> texts() { return values.stream().map(SpanValue::text).toList(); }
}
