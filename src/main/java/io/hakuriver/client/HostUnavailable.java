package io.hakuriver.client;

import io.hakuriver.util.RemoteError;

/**
 * The Host did not answer, or answered 5xx: it may be slow, restarting or briefly overloaded, so a waiting command
 * retries instead of giving up (a refusal such as 404 or 422 is a plain {@link RemoteError}).
 */
public final class HostUnavailable extends RemoteError {
    public HostUnavailable(String m) { super(m); }
    public HostUnavailable(String m, Throwable c) { super(m, c); }
}
