package io.hakuriver.util;

/** The Host/Runner refused or could not be reached (exit 1). */
public class RemoteError extends RuntimeException {
    public RemoteError(String m) { super(m); }
    public RemoteError(String m, Throwable c) { super(m, c); }
}
