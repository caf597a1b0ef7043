package io.hakuriver.host;

import io.hakuriver.http.ErrorDetail;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;

/**
 * What the answer to a /run means for the task. Only a definite refusal of that task fails it; everything that
 * says "not now" puts it back in the queue; an answer that never came may mean the Runner has the task, so the
 * same Runner is asked again (it answers 409 when it already has it, which counts as accepted).
 */
public record DispatchOutcome(Kind kind, String reason, Duration deferNode) {
    public enum Kind {
        /** The Runner has the task (2xx, or 409: it had it already). */
        ACCEPTED,
        /** The Runner did not take it (busy, restarting, misdirected, unreachable): queue again, same id. */
        REQUEUE,
        /** No answer after the request went out: the Runner may have it; ask the same Runner again. */
        RETRY_SAME_NODE,
        /** The Runner refused this task for good (invalid for it): the task fails with the Runner's detail. */
        REFUSED
    }

    static final Duration BUSY = Duration.ofSeconds(1);
    static final Duration UNREACHABLE = Duration.ofSeconds(2);

    /** From an HTTP answer. {@code retryAfter} is the Retry-After header (seconds) or null. */
    public static DispatchOutcome of(int status, String body, String retryAfter) {
        if (status / 100 == 2 || status == 409) return new DispatchOutcome(Kind.ACCEPTED, null, null);
        String detail = detail(body);
        if (status == 429 || status == 503) {
            return new DispatchOutcome(Kind.REQUEUE, "runner busy (" + status + ": " + detail + ")", retryAfter(retryAfter));
        }
        if (status == 421) return new DispatchOutcome(Kind.REQUEUE, "another runner answers at that address (" + detail + ")", UNREACHABLE);
        // 401/403: the token is wrong on one side (an operator's problem, not the task's); 404: no runner at that URL;
        // 5xx: the runner failed before taking it. None of these is a verdict on the task.
        if (status == 401 || status == 403 || status == 404 || status / 100 == 5) {
            return new DispatchOutcome(Kind.REQUEUE, "runner answered " + status + ": " + detail, UNREACHABLE);
        }
        return new DispatchOutcome(Kind.REFUSED, status + " - " + detail, null);
    }

    /** From a failure to get any answer. */
    public static DispatchOutcome of(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String why = RunnerLink.rootMessage(error);
        // nothing reached the Runner: safe to run it anywhere
        if (root instanceof ConnectException || root instanceof HttpConnectTimeoutException
                || root instanceof UnresolvedAddressException || root instanceof java.net.NoRouteToHostException) {
            return new DispatchOutcome(Kind.REQUEUE, "runner unreachable (" + why + ")", UNREACHABLE);
        }
        if (root instanceof IOException || root instanceof java.util.concurrent.TimeoutException) {
            return new DispatchOutcome(Kind.RETRY_SAME_NODE, "no answer from runner (" + why + ")", null);
        }
        return new DispatchOutcome(Kind.RETRY_SAME_NODE, "runner call failed (" + why + ")", null);
    }

    /** The Runner's own words (see {@link ErrorDetail}). */
    static String detail(String body) { return ErrorDetail.of(body); }

    private static Duration retryAfter(String header) {
        if (header != null) {
            try {
                long s = Long.parseLong(header.trim());
                if (s >= 0 && s <= 60) return Duration.ofSeconds(Math.max(1, s));
            } catch (NumberFormatException ignored) { }
        }
        return BUSY;
    }
}
