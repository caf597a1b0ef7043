package io.hakuriver.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * One element of our POST /updates answer, for {@code updates[i]} at {@code results[i]}: an HTTP-like status with
 * the Host's message (an applied or unknown task) or, for an element that does not read as an update, the 422
 * detail /update would have answered. task_id is null when the element had none that reads as one.
 */
public record UpdateResult(Long taskId, int status,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String message,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Object detail) {
    public UpdateResult {
        Problems p = new Problems();
        p.range("status", status, 100, 599);
        p.throwIfAny();
    }

    /** The whole /updates answer: {"results": [...]}. */
    public record All(List<UpdateResult> results) {}
}
