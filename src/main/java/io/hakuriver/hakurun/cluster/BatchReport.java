package io.hakuriver.hakurun.cluster;

import io.hakuriver.api.TaskStatus;
import io.hakuriver.hakurun.ShellQuoting;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Human-readable rendering of a batch: counts by state in lifecycle order, then the failures with their args. */
public final class BatchReport {
    /** Beyond this many failures only a count is printed; --json gives them all. */
    static final int MAX_FAILURES_LISTED = 50;

    private BatchReport() {}

    public static String render(BatchView batch, String command) {
        StringBuilder s = new StringBuilder();
        s.append("Batch ").append(batch.batchId()).append(": ").append(batch.tasks().size()).append(" tasks");
        if (batch.maxRunning() != null) s.append(", at most ").append(batch.maxRunning()).append(" running at once");
        s.append('\n');
        s.append("  ").append(countsLine(batch)).append('\n');
        List<BatchView.Element> failures = batch.failures();
        if (!failures.isEmpty()) {
            s.append("Not completed (").append(failures.size()).append("):\n");
            int shown = 0;
            for (BatchView.Element e : failures) {
                if (shown++ == MAX_FAILURES_LISTED) {
                    s.append("  ... and ").append(failures.size() - MAX_FAILURES_LISTED).append(" more (see --json)\n");
                    break;
                }
                s.append("  ").append(e.taskId()).append("  ").append(e.status());
                if (e.exitCode() != null) s.append(" (exit ").append(e.exitCode()).append(')');
                if (e.assignedNode() != null) s.append(" on ").append(e.assignedNode());
                s.append(": ").append(commandLine(command, e.arguments())).append('\n');
                if (e.errorMessage() != null && !e.errorMessage().isBlank()) {
                    s.append("      ").append(e.errorMessage().strip().replace("\n", "\n      ")).append('\n');
                }
            }
        }
        return s.toString();
    }

    /** e.g. {@code completed 97, failed 2, killed 1}: every state that has tasks, in lifecycle order. */
    public static String countsLine(BatchView batch) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (TaskStatus st : TaskStatus.values()) {
            long n = batch.count(st.wire());
            if (n > 0) counts.put(st.wire(), n);
        }
        for (BatchView.Element e : batch.tasks()) {
            // a state this client does not know yet is still shown, not silently dropped
            if (!counts.containsKey(e.status())) counts.put(String.valueOf(e.status()), batch.count(e.status()));
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((k, v) -> parts.add(k + " " + v));
        return parts.isEmpty() ? "no tasks" : String.join(", ", parts);
    }

    private static String commandLine(String command, List<String> args) {
        List<String> argv = new ArrayList<>();
        if (command != null) argv.add(command);
        argv.addAll(args);
        return ShellQuoting.join(argv);
    }
}
