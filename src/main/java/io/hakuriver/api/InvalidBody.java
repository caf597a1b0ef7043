package io.hakuriver.api;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A request body that does not make a valid wire record: every problem found, each naming its field in plain words.
 * The servers answer it with 422 (the original's validation shape); nothing of Jackson or Java shows in it.
 */
public final class InvalidBody extends RuntimeException {
    /**
     * One problem. {@code field} is the path in the body ({@code "task_id"}, {@code "killed_tasks[0].task_id"},
     * {@code ""} for the body itself); {@code type} is the kind, in pydantic's names ({@code missing}, {@code int_type}).
     */
    public record Problem(String field, String message, String type) {
        /** "field: message", or the message alone for the body itself. */
        public String text() { return field.isEmpty() ? message : field + ": " + message; }
    }

    private final transient List<Problem> problems;

    public InvalidBody(List<Problem> problems) {
        super(null, null, false, false); // bad input is an answer, not a bug: no stack trace to fill
        this.problems = List.copyOf(problems);
    }

    public static InvalidBody of(String field, String message, String type) {
        return new InvalidBody(List.of(new Problem(field, message, type)));
    }

    public List<Problem> problems() { return problems; }

    /** All problems in one line: "task_id: Input should be a valid integer; command: Field required". */
    public String detail() { return problems.stream().map(Problem::text).collect(Collectors.joining("; ")); }

    @Override public String getMessage() { return detail(); }
}
