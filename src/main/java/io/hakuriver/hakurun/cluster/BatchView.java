package io.hakuriver.hakurun.cluster;

import io.hakuriver.api.TaskStatus;

import java.util.List;
import java.util.Map;

/**
 * The Host's answer to {@code GET /batches/{batch_id}} (snake_case on the wire, read with Json.MAPPER).
 * Counts are recomputed from {@code tasks} where the client needs exact numbers, so a Host that omits a state in
 * {@code counts} cannot mislead it.
 */
public record BatchView(String batchId, String command, int total, Integer maxRunning, Map<String, Integer> counts, List<Element> tasks) {

    public BatchView {
        counts = counts == null ? Map.of() : Map.copyOf(counts);
        tasks = tasks == null ? List.of() : List.copyOf(tasks);
    }

    /** One element of the batch: a task with its own arguments. */
    public record Element(String taskId, List<String> arguments, String status, Integer exitCode, String assignedNode,
                          String errorMessage) {
        public Element {
            arguments = arguments == null ? List.of() : List.copyOf(arguments);
        }

        public boolean isFinal() { return state().map(TaskStatus::isFinal).orElse(false); }

        public boolean completed() { return "completed".equals(status); }

        /** Final but not completed: failed, killed, lost, killed_oom. */
        public boolean failed() { return isFinal() && !completed(); }

        private java.util.Optional<TaskStatus> state() {
            try {
                return java.util.Optional.of(TaskStatus.parse(status));
            } catch (IllegalArgumentException e) {
                return java.util.Optional.empty();
            }
        }
    }

    public long count(String status) { return tasks.stream().filter(t -> status.equals(t.status())).count(); }

    public long finalCount() { return tasks.stream().filter(Element::isFinal).count(); }

    public long completedCount() { return tasks.stream().filter(Element::completed).count(); }

    public List<Element> failures() { return tasks.stream().filter(Element::failed).toList(); }

    /** Every element has reached a final state. */
    public boolean finished() { return !tasks.isEmpty() && finalCount() == tasks.size(); }

    /** Every element completed (exit 0): the condition for exit status 0 of {@code batch --wait}. */
    public boolean allCompleted() { return !tasks.isEmpty() && completedCount() == tasks.size(); }
}
