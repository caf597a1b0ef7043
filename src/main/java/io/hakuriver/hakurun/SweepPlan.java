package io.hakuriver.hakurun;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The Cartesian product of the expanded arguments, in a stable order: argument order, the <b>first</b> argument
 * varying slowest and the last fastest (like nested loops written left to right, and like the original):
 * {@code a span:{1..2} span:[x,y]} gives {@code (a,1,x) (a,1,y) (a,2,x) (a,2,y)}.
 * Combinations are computed on demand from their index, so a large product costs no memory up front.
 */
public final class SweepPlan implements Iterable<Combination> {
    private final List<List<SpanValue>> axes;
    private final long size;

    private SweepPlan(List<List<SpanValue>> axes) {
        this.axes = axes;
        long n = 1;
        for (List<SpanValue> axis : axes) {
            try {
                n = Math.multiplyExact(n, axis.size());
            } catch (ArithmeticException e) {
                throw new HakurunInputException("The arguments expand to more than " + Long.MAX_VALUE + " combinations.");
            }
        }
        this.size = n;
    }

    /** Expands every argument with {@link SpanParser}; the first bad argument aborts with its message. */
    public static SweepPlan of(List<String> arguments) {
        List<List<SpanValue>> axes = new ArrayList<>(arguments.size());
        for (String arg : arguments) axes.add(SpanParser.expand(arg));
        return new SweepPlan(List.copyOf(axes));
    }

    public long size() { return size; }

    /** The combination at 1-based {@code index}: a mixed-radix number whose last digit is the last argument. */
    public Combination get(long index) {
        if (index < 1 || index > size) throw new IndexOutOfBoundsException("combination " + index + " of " + size);
        SpanValue[] picked = new SpanValue[axes.size()];
        long rest = index - 1;
        for (int a = axes.size() - 1; a >= 0; a--) {
            List<SpanValue> axis = axes.get(a);
            picked[a] = axis.get((int) (rest % axis.size()));
            rest /= axis.size();
        }
        return new Combination(index, List.of(picked));
    }

    @Override public Iterator<Combination> iterator() {
        return new Iterator<>() {
            private long next = 1;

            @Override public boolean hasNext() { return next <= size; }

            @Override public Combination next() {
                if (!hasNext()) throw new NoSuchElementException();
                return get(next++);
            }
        };
    }
}
