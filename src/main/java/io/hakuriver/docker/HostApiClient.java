package io.hakuriver.docker;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.util.Json;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** HTTP calls of the Docker CLI tools to the Host, with the bearer token when one is configured. */
public final class HostApiClient {
    private final String base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public HostApiClient(HakuConfig config) { this(config.hostUrl(), config.resolvedToken()); }

    public HostApiClient(String base, String token) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token == null ? "" : token;
    }

    public String base() { return base; }
    public String token() { return token; }
    public HttpClient http() { return http; }

    /** An HTTP answer; {@link #detail()} is the error text the Host sent. */
    public record Reply(int status, String body) {
        public boolean ok() { return status >= 200 && status < 300; }
        public JsonNode json() { return Json.tree(body.isEmpty() ? "null" : body); }
        public String detail() {
            try {
                JsonNode d = json().path("detail");
                if (d.isTextual()) return d.asText();
                if (!d.isMissingNode()) return d.toString();
            } catch (IllegalArgumentException notJson) { /* fall through */ }
            return body;
        }
    }

    /** A failure to reach the Host (refused, timeout): the CLI exits 1 with this message. */
    public static final class Unreachable extends IOException {
        public Unreachable(String m, Throwable c) { super(m, c); }
    }

    public CompletableFuture<HttpResponse<String>> sendAsync(String method, String path, Object body, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(Json.write(body)));
        if (body != null) b.header("Content-Type", "application/json");
        if (!token.isEmpty()) b.header("Authorization", "Bearer " + token);
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public Reply call(String method, String path, Object body, Duration timeout) throws IOException {
        try {
            HttpResponse<String> r = sendAsync(method, path, body, timeout).join();
            return new Reply(r.statusCode(), r.body());
        } catch (java.util.concurrent.CompletionException e) {
            throw unreachable(e.getCause());
        }
    }

    public Unreachable unreachable(Throwable cause) {
        if (cause instanceof HttpTimeoutException) return new Unreachable("The Host at " + base + " did not answer in time.", cause);
        if (cause instanceof ConnectException) return new Unreachable("Cannot connect to the Host at " + base + " (is hakuriver.host running? check network.host_reachable_address/host_port).", cause);
        return new Unreachable("Request to the Host at " + base + " failed: " + cause, cause);
    }

    /** ws:// (or wss://) URL for a path on the Host. */
    public URI wsUri(String path) {
        return URI.create(base.replaceFirst("^http", "ws") + path);
    }
}
