package io.hakuriver.hakurun.cluster;

import io.hakuriver.hakurun.Combination;
import io.hakuriver.hakurun.HakurunInputException;
import io.hakuriver.hakurun.SweepPlan;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code argument_sets} of a cluster sweep: one complete argument list per combination, in the same order and
 * with the same span syntax as hakurun. The command itself (first word) is never expanded.
 */
public final class SweepElements {
    /** One request carries the whole batch; beyond this a sweep should be split (or swept locally per task). */
    public static final int MAX_ELEMENTS = 10_000;

    private SweepElements() {}

    public static List<List<String>> argumentSets(List<String> arguments) {
        SweepPlan plan = SweepPlan.of(arguments);
        if (plan.size() == 0) {
            throw new HakurunInputException("The arguments expand to no combinations (an empty span:[] list): nothing to submit.");
        }
        if (plan.size() > MAX_ELEMENTS) {
            throw new HakurunInputException("The arguments expand to " + plan.size() + " combinations; a sweep may have at most "
                    + MAX_ELEMENTS + ". Split it, or let each task sweep a part locally with hakurun.");
        }
        List<List<String>> sets = new ArrayList<>((int) plan.size());
        for (Combination c : plan) sets.add(c.texts());
        return sets;
    }
}
