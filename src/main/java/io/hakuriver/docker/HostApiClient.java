package io.hakuriver.docker;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.api.WireHeaders;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * HTTP calls of the Docker CLI tools to the Host, with the bearer token when one is configured. With two Hosts on
 * PostgreSQL ({@code host_reachable_address = "a,b"}) the calls go to the one that leads when the tool starts: a
 * Docker command is short, and a standby would only answer 503.
 */
public final class HostApiClient {
    private final String base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public HostApiClient(HakuConfig config) { this(config.hostUrls(), config.resolvedToken()); }

    public HostApiClient(String base, String token) { this(List.of(base), token); }

    public HostApiClient(List<String> bases, String token) {
        this.token = token == null ? "" : token;
        this.base = bases.size() == 1 ? strip(bases.get(0)) : leaderOf(bases);
    }

    private static String strip(String b) { return b.endsWith("/") ? b.substring(0, b.length() - 1) : b; }

    /**
     * The first Host that answers /healthz and not as the standby; else the first that answered at all (a takeover
     * under way: its 503 says so), else the first named (its connection error says what to check).
     */
    private String leaderOf(List<String> bases) {
        String standby = null;
        for (String b : bases) {
            HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(strip(b) + "/healthz")).timeout(Duration.ofSeconds(5)).GET();
            if (!token.isEmpty()) r.header("Authorization", "Bearer " + token);
            try {
                HttpResponse<Void> resp = http.send(r.build(), HttpResponse.BodyHandlers.discarding());
                if (!"standby".equals(resp.headers().firstValue(WireHeaders.ROLE).orElse(""))) return strip(b);
                if (standby == null) standby = strip(b);
            } catch (IOException unreachable) {
                // the next one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return standby != null ? standby : strip(bases.get(0));
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
