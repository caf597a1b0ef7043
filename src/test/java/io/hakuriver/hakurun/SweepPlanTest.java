package io.hakuriver.hakurun;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SweepPlanTest {

    private static List<List<String>> all(SweepPlan plan) {
        List<List<String>> out = new ArrayList<>();
        for (Combination c : plan) out.add(c.texts());
        return out;
    }

    @Test void firstArgumentVariesSlowest() {
        SweepPlan plan = SweepPlan.of(List.of("a", "span:{1..2}", "span:[x,y]"));
        assertThat(plan.size()).isEqualTo(4);
        assertThat(all(plan)).containsExactly(
                List.of("a", "1", "x"), List.of("a", "1", "y"), List.of("a", "2", "x"), List.of("a", "2", "y"));
    }

    @Test void indicesAreOneBasedAndRandomAccessMatchesIteration() {
        SweepPlan plan = SweepPlan.of(List.of("span:{1..3}", "span:[p,q]", "span:{7..5}"));
        assertThat(plan.size()).isEqualTo(18);
        long i = 1;
        for (Combination c : plan) {
            assertThat(c.index()).isEqualTo(i);
            assertThat(plan.get(i)).isEqualTo(c);
            i++;
        }
        assertThat(plan.get(1).texts()).containsExactly("1", "p", "7");
        assertThat(plan.get(2).texts()).containsExactly("1", "p", "6");
        assertThat(plan.get(18).texts()).containsExactly("3", "q", "5");
        assertThatThrownBy(() -> plan.get(19)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> plan.get(0)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test void noArgumentsIsOneEmptyCombination() {
        SweepPlan plan = SweepPlan.of(List.of());
        assertThat(plan.size()).isEqualTo(1);
        assertThat(all(plan)).containsExactly(List.of());
    }

    @Test void anEmptyListMeansNoCombinations() {
        SweepPlan plan = SweepPlan.of(List.of("span:{1..3}", "span:[]"));
        assertThat(plan.size()).isZero();
        assertThat(plan.iterator().hasNext()).isFalse();
    }

    @Test void integerMarksSurviveTheProduct() {
        Combination c = SweepPlan.of(List.of("span:{4..4}", "span:[4]", "4")).get(1);
        assertThat(c.values()).extracting(SpanValue::integer).containsExactly(true, false, false);
    }

    @Test void astronomicalProductIsRefusedAndTheFirstBadArgumentIsReported() {
        List<String> args = new ArrayList<>();
        for (int k = 0; k < 4; k++) args.add("span:{1..1000000}"); // 10^24 combinations
        assertThatThrownBy(() -> SweepPlan.of(args)).isInstanceOf(HakurunInputException.class).hasMessageContaining("combinations");
        assertThatThrownBy(() -> SweepPlan.of(List.of("ok", "span:{x..2}", "span:[a")))
                .hasMessageContaining("'span:{x..2}'");
    }
}
