package io.hakuriver.hakurun;

/**
 * One concrete value of an argument. {@code integer} is true for values produced by a {@code span:{A..B}} range:
 * Python function targets receive those as {@code int}, every other value as {@code str} — the same in every run
 * mode (the original switched types with the number of combinations, defect H2).
 */
public record SpanValue(String text, boolean integer) {
    public static SpanValue literal(String text) { return new SpanValue(text, false); }

    public static SpanValue ofInt(long value) { return new SpanValue(Long.toString(value), true); }

    @Override public String toString() { return text; }
}
