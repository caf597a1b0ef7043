package io.hakuriver.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * One element of our POST /runs answer, for {@code tasks[i]} at {@code results[i]}: its task id (null when the
 * element had none that reads as one), the HTTP status and the body /run would have answered, and
 * {@code retry_after} where /run would have sent that header (absent otherwise).
 */
public record RunResult(Long taskId, int status, Object body,
                        @JsonInclude(JsonInclude.Include.NON_NULL) String retryAfter) {
    public RunResult {
        Problems p = new Problems();
        p.range("status", status, 100, 599);
        p.throwIfAny();
    }

    /** The whole /runs answer: {"results": [...]}. */
    public record All(List<RunResult> results) {}
}
