package io.hakuriver.hakurun.cluster;

import io.hakuriver.hakurun.HakurunInputException;
import io.hakuriver.util.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The batch document as the Host sends it (wire format from the brief), and what the client makes of it. */
class BatchViewTest {

    static BatchView parse(String json) { return Json.read(json, BatchView.class); }

    static final String DOC = """
            {"batch_id": "7321046080806715392", "command": "python3", "total": 5, "max_running": 2,
             "counts": {"completed": 2, "failed": 1, "running": 1, "killed": 1},
             "tasks": [
              {"task_id": "1", "arguments": ["train.py", "--seed", "1"], "status": "completed", "exit_code": 0, "assigned_node": "n1", "error_message": null},
              {"task_id": "2", "arguments": ["train.py", "--seed", "2"], "status": "failed", "exit_code": 3, "assigned_node": "n2", "error_message": "boom\\nline 2"},
              {"task_id": "3", "arguments": ["train.py", "--seed", "it's 3"], "status": "running", "exit_code": null, "assigned_node": "n1", "error_message": null},
              {"task_id": "4", "arguments": ["train.py", "--seed", "4"], "status": "completed", "exit_code": 0, "assigned_node": "n2", "error_message": null},
              {"task_id": "5", "arguments": ["train.py", "--seed", "5"], "status": "killed", "exit_code": null, "assigned_node": null, "error_message": "Killed by user"}
             ]}
            """;

    @Test void parsesTheWireDocumentAndCountsFromTheElements() {
        BatchView b = parse(DOC);
        assertThat(b.batchId()).isEqualTo("7321046080806715392");
        assertThat(b.maxRunning()).isEqualTo(2);
        assertThat(b.tasks()).hasSize(5);
        assertThat(b.completedCount()).isEqualTo(2);
        assertThat(b.finalCount()).isEqualTo(4);
        assertThat(b.failures()).extracting(BatchView.Element::taskId).containsExactly("2", "5");
        assertThat(b.finished()).isFalse();
        assertThat(b.allCompleted()).isFalse();
    }

    @Test void reportShowsCountsInLifecycleOrderAndFailuresWithTheirArguments() {
        String text = BatchReport.render(parse(DOC), "python3");
        assertThat(text).isEqualTo("""
                Batch 7321046080806715392: 5 tasks, at most 2 running at once
                  running 1, completed 2, failed 1, killed 1
                Not completed (2):
                  2  failed (exit 3) on n2: python3 train.py --seed 2
                      boom
                      line 2
                  5  killed: python3 train.py --seed 5
                      Killed by user
                """);
    }

    @Test void unknownStatesAreShownNotDropped() {
        BatchView b = parse("""
                {"batch_id": "9", "total": 1, "tasks": [{"task_id": "1", "arguments": [], "status": "hibernating"}]}""");
        assertThat(BatchReport.countsLine(b)).isEqualTo("hibernating 1");
        assertThat(b.finished()).isFalse();
    }

    @Test void progressBarShowsDoneAndActiveCounts() {
        assertThat(ProgressBar.render(parse(DOC)))
                .isEqualTo("[########################------] 4/5 done · running 1 · failed 2");
    }

    @Test void progressOnAPipePrintsOnlyChangesAndOnATerminalRedrawsInPlace() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar pipe = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        BatchView b = parse(DOC);
        pipe.update(b);
        pipe.update(b);
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).hasSize(1);

        ByteArrayOutputStream tty = new ByteArrayOutputStream();
        ProgressBar term = new ProgressBar(new PrintStream(tty, true, StandardCharsets.UTF_8), true);
        term.update(b);
        term.update(parse(DOC.replace("\"running\"", "\"completed\"")));
        term.finish();
        String out = tty.toString(StandardCharsets.UTF_8);
        assertThat(out).startsWith("\r[").contains("\r[").endsWith("\n");
        assertThat(out.chars().filter(c -> c == '\n').count()).isEqualTo(1);
    }

    @Test void waiterPollsUntilEveryElementIsFinal() throws Exception {
        Deque<BatchView> answers = new ArrayDeque<>(List.of(parse(DOC),
                parse(DOC.replace("\"running\"", "\"paused\"")),
                parse(DOC.replace("\"running\"", "\"completed\""))));
        List<BatchView> seen = new ArrayList<>();
        ProgressBar bar = new ProgressBar(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false);
        BatchView last = new BatchWaiter(() -> {
            BatchView v = answers.pop();
            seen.add(v);
            return v;
        }, Duration.ofMillis(1), bar).await();
        assertThat(seen).hasSize(3);
        assertThat(last.finished()).isTrue();
        assertThat(last.allCompleted()).isFalse();
        assertThat(last.completedCount()).isEqualTo(3);
    }

    @Test void sweepElementsUseHakurunOrderAndLimits() {
        assertThat(SweepElements.argumentSets(List.of("--seed", "span:{1..2}", "span:[a,b]"))).containsExactly(
                List.of("--seed", "1", "a"), List.of("--seed", "1", "b"), List.of("--seed", "2", "a"), List.of("--seed", "2", "b"));
        assertThat(SweepElements.argumentSets(List.of())).containsExactly(List.of());
        assertThatThrownBy(() -> SweepElements.argumentSets(List.of("span:[]")))
                .isInstanceOf(HakurunInputException.class).hasMessageContaining("no combinations");
        assertThatThrownBy(() -> SweepElements.argumentSets(List.of("span:{1..101}", "span:{1..100}")))
                .hasMessageContaining("10100 combinations").hasMessageContaining("at most 10000");
        assertThatThrownBy(() -> SweepElements.argumentSets(List.of("span:{1,2}"))).hasMessageContaining("'span:{1,2}'");
    }
}
