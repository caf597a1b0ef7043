package io.hakuriver.hakurun;

import java.util.ArrayList;
import java.util.List;

/**
 * Expands one command-line argument into its values (spec §10.1, with the defects of §12.4 H4 fixed).
 *
 * <ul>
 *   <li>An argument that does not start with {@code span:} is one literal value, unchanged.</li>
 *   <li>{@code span:{A..B}}: the integers from A to B inclusive; A and B may be negative and surrounded by spaces.
 *       A &gt; B counts down (the original silently produced nothing).</li>
 *   <li>{@code span:[x, y, z]}: the comma-separated items, each trimmed. A backslash escapes the next character
 *       ({@code \,} {@code \[} {@code \]} {@code \\} and {@code \ } for a space that trimming must keep).
 *       {@code span:[]} has no values.</li>
 *   <li>Any other text after {@code span:} is one literal value, as in the original. Text that starts with
 *       {@code &#123;} or {@code [} but is not a well-formed range or list is an error (the original treated
 *       {@code span:&#123;32,64&#125;} as the single string {@code &#123;32,64&#125;} without a word).</li>
 * </ul>
 */
public final class SpanParser {
    public static final String PREFIX = "span:";
    /** A single range may not produce more values than this: a typo such as {1..10000000} should not start a flood. */
    public static final long MAX_RANGE_VALUES = 1_000_000;

    private SpanParser() {}

    public static List<SpanValue> expand(String arg) {
        if (!arg.startsWith(PREFIX)) return List.of(SpanValue.literal(arg));
        String body = arg.substring(PREFIX.length()).strip();
        if (body.startsWith("{")) return range(arg, body);
        if (body.startsWith("[")) return list(arg, body);
        return List.of(SpanValue.literal(body));
    }

    private static List<SpanValue> range(String arg, String body) {
        String expected = "Invalid range format in '" + arg + "'. Expected 'span:{int..int}'";
        if (!body.endsWith("}") || body.length() < 2) throw new HakurunInputException(expected + " (missing closing '}').");
        String inner = body.substring(1, body.length() - 1);
        String[] ends = inner.split("\\.\\.", -1);
        if (ends.length != 2) {
            String hint = inner.contains(",") ? " For a list of values use 'span:[" + inner + "]'." : "";
            throw new HakurunInputException(expected + "." + hint);
        }
        long from = parseBound(ends[0], expected);
        long to = parseBound(ends[1], expected);
        long count;
        try {
            count = Math.addExact(Math.abs(Math.subtractExact(to, from)), 1);
        } catch (ArithmeticException e) {
            count = Long.MAX_VALUE;
        }
        if (count > MAX_RANGE_VALUES) {
            throw new HakurunInputException("Range in '" + arg + "' has " + (count == Long.MAX_VALUE ? "too many" : count)
                    + " values; at most " + MAX_RANGE_VALUES + " are allowed.");
        }
        return new RangeValues(from, from <= to ? 1 : -1, (int) count);
    }

    /** The values of a range, computed on access so that a large range costs no memory. */
    private static final class RangeValues extends java.util.AbstractList<SpanValue> implements java.util.RandomAccess {
        private final long from;
        private final int step;
        private final int size;

        RangeValues(long from, int step, int size) {
            this.from = from;
            this.step = step;
            this.size = size;
        }

        @Override public SpanValue get(int index) {
            java.util.Objects.checkIndex(index, size);
            return SpanValue.ofInt(from + (long) step * index);
        }

        @Override public int size() { return size; }
    }

    private static long parseBound(String text, String expected) {
        String t = text.strip();
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new HakurunInputException(expected + ": '" + t + "' is not an integer.");
        }
    }

    private static List<SpanValue> list(String arg, String body) {
        List<String> items = new ArrayList<>();
        Item item = new Item();
        boolean closed = false;
        int i = 1;
        while (i < body.length()) {
            char c = body.charAt(i);
            if (c == '\\') {
                if (i + 1 >= body.length()) {
                    throw new HakurunInputException("Invalid list in '" + arg + "': a backslash at the end escapes nothing.");
                }
                char next = body.charAt(i + 1);
                if (next != ',' && next != '[' && next != ']' && next != '\\' && next != ' ') {
                    throw new HakurunInputException("Invalid escape '\\" + next + "' in '" + arg
                            + "': only \\, \\[ \\] \\\\ and '\\ ' (space) may be escaped.");
                }
                item.append(next, true);
                i += 2;
                continue;
            }
            if (c == ']') {
                if (i != body.length() - 1) {
                    throw new HakurunInputException("Invalid list in '" + arg
                            + "': unexpected text after ']' (write '\\]' for a literal bracket).");
                }
                closed = true;
                break;
            }
            if (c == '[') {
                throw new HakurunInputException("Invalid list in '" + arg + "': nested '[' (write '\\[' for a literal bracket).");
            }
            if (c == ',') {
                items.add(item.trimmed());
                item = new Item();
            } else {
                item.append(c, !Character.isWhitespace(c));
            }
            i++;
        }
        if (!closed) {
            throw new HakurunInputException("Invalid list in '" + arg + "': missing closing ']'. Expected 'span:[a,b,c]'.");
        }
        if (items.isEmpty() && item.isBlank()) return List.of(); // span:[] and span:[ ]
        items.add(item.trimmed());
        return items.stream().map(SpanValue::literal).toList();
    }

    /** One list item being read; escaped characters count as content, so trimming never removes them. */
    private static final class Item {
        private final StringBuilder text = new StringBuilder();
        private int firstContent = -1;
        private int endContent = -1;

        void append(char c, boolean content) {
            text.append(c);
            if (content) {
                if (firstContent < 0) firstContent = text.length() - 1;
                endContent = text.length();
            }
        }

        boolean isBlank() { return firstContent < 0; }

        String trimmed() { return isBlank() ? "" : text.substring(firstContent, endContent); }
    }
}
