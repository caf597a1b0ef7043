package io.hakuriver.host;

import io.hakuriver.host.DispatchOutcome.Kind;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** Every answer a /run can get, and what it means for the task: only a definite refusal fails it. */
class DispatchOutcomeTest {
    @Test void acceptedAndAlreadyThere() {
        assertThat(DispatchOutcome.of(200, "{\"message\":\"Task accepted for launch\"}", null).kind()).isEqualTo(Kind.ACCEPTED);
        assertThat(DispatchOutcome.of(202, "", null).kind()).isEqualTo(Kind.ACCEPTED);
        assertThat(DispatchOutcome.of(409, "{\"detail\":\"Task 5 is already running/tracked on this node.\"}", null).kind()).isEqualTo(Kind.ACCEPTED);
    }

    @Test void busyRunnerRequeuesAndDefersTheNodeForRetryAfter() {
        DispatchOutcome o = DispatchOutcome.of(429, "{\"detail\":\"start queue full (64 tasks waiting)\"}", "3");
        assertThat(o.kind()).isEqualTo(Kind.REQUEUE);
        assertThat(o.deferNode()).isEqualTo(Duration.ofSeconds(3));
        assertThat(o.reason()).contains("start queue full");
        assertThat(DispatchOutcome.of(503, "{\"detail\":\"shutting down\"}", null).deferNode()).isEqualTo(DispatchOutcome.BUSY);
        assertThat(DispatchOutcome.of(429, "", "999999").deferNode()).isEqualTo(DispatchOutcome.BUSY); // absurd header ignored
    }

    @Test void serverErrorsAuthAndMisdirectionRequeue() {
        for (int s : new int[] {500, 502, 504, 401, 403, 404, 421}) {
            DispatchOutcome o = DispatchOutcome.of(s, "{\"detail\":\"x\"}", null);
            assertThat(o.kind()).as("HTTP %d", s).isEqualTo(Kind.REQUEUE);
            assertThat(o.deferNode()).as("HTTP %d", s).isPositive();
        }
    }

    @Test void definiteRefusalsFailWithTheRunnersDetail() {
        DispatchOutcome o = DispatchOutcome.of(422, "{\"detail\":[{\"loc\":[\"body\",\"task_id\"],\"msg\":\"Field required\"}]}", null);
        assertThat(o.kind()).isEqualTo(Kind.REFUSED);
        assertThat(o.reason()).startsWith("422 - ").contains("Field required");
        assertThat(DispatchOutcome.of(400, "{\"detail\":\"Privileged containers are disabled on this node\"}", null).reason())
                .isEqualTo("400 - Privileged containers are disabled on this node");
    }

    @Test void anHtmlErrorPageBecomesPlainTextNeverMarkup() {
        String html = "<html><head><title>Error 400 Bad Request</title><style>p{}</style></head><body><h2>HTTP ERROR 400 Bad Request</h2>"
                + "<table><tr><th>URI:</th><td>/badMessage</td></tr></table></body></html>";
        DispatchOutcome o = DispatchOutcome.of(400, html, null);
        assertThat(o.kind()).isEqualTo(Kind.REFUSED);
        assertThat(o.reason()).doesNotContain("<").doesNotContain("p{}").contains("HTTP ERROR 400 Bad Request").contains("/badMessage");
        assertThat(DispatchOutcome.detail("x".repeat(1000))).hasSizeLessThan(210);
    }

    @Test void nothingReachedTheRunnerRequeuesAnywhere() {
        assertThat(DispatchOutcome.of(new CompletionException(new ConnectException("Connection refused"))).kind()).isEqualTo(Kind.REQUEUE);
        assertThat(DispatchOutcome.of(new HttpConnectTimeoutException("connect timed out")).kind()).isEqualTo(Kind.REQUEUE);
    }

    @Test void noAnswerAfterSendingAsksTheSameRunnerAgain() {
        assertThat(DispatchOutcome.of(new CompletionException(new HttpTimeoutException("request timed out"))).kind()).isEqualTo(Kind.RETRY_SAME_NODE);
        assertThat(DispatchOutcome.of(new IOException("Connection reset")).kind()).isEqualTo(Kind.RETRY_SAME_NODE);
        assertThat(DispatchOutcome.of(new IOException("HTTP/1.1 header parser received no bytes")).reason()).contains("no answer");
    }
}
