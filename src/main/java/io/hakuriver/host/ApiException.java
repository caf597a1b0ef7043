package io.hakuriver.host;

/** Kept for modules written against the earlier location; use {@link io.hakuriver.http.ApiException}. */
public class ApiException extends io.hakuriver.http.ApiException {
    public ApiException(int status, String detail) { super(status, detail); }
}
