package io.hakuriver.http;

import io.hakuriver.api.InvalidBody;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An HTTP error with the original's body shape: {"detail": "..."} or, for 422, {"detail": [ {loc, msg, type} ]}. */
public class ApiException extends RuntimeException {
    public final int status;
    public final Object detail;

    public ApiException(int status, String detail) { super(detail); this.status = status; this.detail = detail; }

    private ApiException(int status, List<Map<String, Object>> errors) {
        super(String.valueOf(errors)); this.status = status; this.detail = errors;
    }

    public static ApiException notFound(String d) { return new ApiException(404, d); }
    public static ApiException conflict(String d) { return new ApiException(409, d); }
    public static ApiException badRequest(String d) { return new ApiException(400, d); }
    /** Back-pressure: the request is fine but cannot be taken now; the client should retry later. */
    public static ApiException tooMany(String d) { return new ApiException(429, d); }

    public static ApiException validation(List<Map<String, Object>> errors) { return new ApiException(422, errors); }

    public static ApiException validation(String field, String msg, String type) {
        return validation(List.of(error(field, msg, type)));
    }

    /** A wire body that did not read as its record: 422 with one entry per problem, in the original's shape. */
    public static ApiException invalid(InvalidBody e) {
        List<Map<String, Object>> errors = new ArrayList<>(e.problems().size());
        for (InvalidBody.Problem p : e.problems()) errors.add(error(p.field().isEmpty() ? null : p.field(), p.message(), p.type()));
        return validation(errors);
    }

    public static Map<String, Object> error(String field, String msg, String type) {
        List<Object> loc = field == null ? List.of("body") : List.of("body", field);
        return Map.of("loc", loc, "msg", msg, "type", type);
    }
}
