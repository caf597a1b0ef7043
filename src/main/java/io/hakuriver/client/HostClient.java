package io.hakuriver.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.util.RemoteError;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.util.Json;

import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;

/**
 * The client side of the Host API. Every failure becomes a {@link RemoteError} whose message says what happened
 * and what to check (exit code 1).
 */
public final class HostClient {
    private final List<String> bases;
    private volatile int current;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();

    public HostClient(HakuConfig config) { this(config.hostUrls(), config.resolvedToken()); }

    public HostClient(String base, String token) { this(List.of(base), token); }

    /**
     * Several Hosts (a leader and its standby): calls go to the one that answered last; one that refuses the
     * connection, or answers as the standby, passes the call to the next.
     */
    public HostClient(List<String> bases, String token) {
        this.bases = bases.stream().map(b -> b.endsWith("/") ? b.substring(0, b.length() - 1) : b).toList();
        this.token = token == null ? "" : token;
    }

    /** Bodies larger than this are sent with "Expect: 100-continue". */
    static final int EXPECT_CONTINUE_BYTES = 1 << 20;

    /** The Host calls go to now. */
    public String base() { return bases.get(current); }
    public String token() { return token; }

    public JsonNode get(String path) { return json(send("GET", path, null, Duration.ofSeconds(15))); }

    public JsonNode post(String path, Object body) { return json(send("POST", path, body, Duration.ofSeconds(60))); }

    /** Raw response (status not checked) for callers that handle codes themselves. */
    public HttpResponse<String> send(String method, String path, Object body, Duration timeout) {
        byte[] bytes = body == null ? null : Json.bytes(body);
        return following(base -> {
            HttpRequest.Builder b = request(base, path, timeout)
                    .method(method, bytes == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bytes));
            if (body != null) b.header("Content-Type", "application/json");
            // a large body asks first (as curl does): a Host that refuses it (413) answers before it is sent, so the
            // refusal and its detail arrive instead of a connection reset in the middle of the upload
            if (bytes != null && bytes.length > EXPECT_CONTINUE_BYTES) b.expectContinue(true);
            return b.build();
        }, HttpResponse.BodyHandlers.ofString());
    }

    /** Sends to the current Host, then to the others while one refuses the connection or answers as the standby. */
    private <T> HttpResponse<T> following(java.util.function.Function<String, HttpRequest> request, HttpResponse.BodyHandler<T> handler) {
        RuntimeException failed = null;
        HttpResponse<T> standby = null;
        int start = current;
        for (int i = 0; i < bases.size(); i++) {
            int at = (start + i) % bases.size();
            try {
                HttpResponse<T> r = http.send(request.apply(bases.get(at)), handler);
                if (bases.size() == 1 || !"standby".equals(r.headers().firstValue(ROLE_HEADER).orElse(""))) {
                    current = at;
                    return r;
                }
                standby = r;
            } catch (Exception e) {
                failed = connectionError(e, bases.get(at));
                // only a refused connection is certain to have done nothing: a request that timed out or broke may
                // have been carried out (a submit stored), so it is not sent again; the next call tries the next Host
                if (!(e instanceof ConnectException || e.getCause() instanceof ConnectException)) {
                    if (bases.size() > 1) current = (at + 1) % bases.size();
                    throw failed;
                }
            }
        }
        if (standby != null) return standby; // a takeover is under way: its 503 is retried like any unavailable Host
        throw failed;
    }

    static final String ROLE_HEADER = io.hakuriver.api.WireHeaders.ROLE;

    /** Streams a log from a byte offset; returns null for 404 (not written yet). */
    public HttpResponse<InputStream> stream(String path) {
        try {
            HttpResponse<InputStream> r = following(base -> request(base, path, Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() == 404) { r.body().close(); return null; }
            if (r.statusCode() / 100 != 2) {
                String body = new String(r.body().readAllBytes());
                throw error(r.statusCode(), body);
            }
            return r;
        } catch (RemoteError e) {
            throw e;
        } catch (Exception e) {
            throw connectionError(e, base());
        }
    }

    private HttpRequest.Builder request(String base, String path, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
        if (!token.isEmpty()) b.header("Authorization", "Bearer " + token);
        return b;
    }

    private RemoteError connectionError(Exception e, String base) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new RemoteError("interrupted while talking to the Host at " + base, e);
        }
        if (e instanceof ConnectException || e.getCause() instanceof ConnectException) {
            return new HostUnavailable("cannot connect to the Host at " + base + ": is hakuriver.host running, and are "
                    + "[network] host_reachable_address/host_port right?", e);
        }
        if (e instanceof HttpTimeoutException) return new HostUnavailable("the Host at " + base + " did not answer in time", e);
        if (e instanceof java.io.IOException) return new HostUnavailable("request to " + base + " failed: " + e.getMessage(), e);
        return new RemoteError("request to " + base + " failed: " + e, e);
    }

    private JsonNode json(HttpResponse<String> r) {
        if (r.statusCode() / 100 != 2) throw error(r.statusCode(), r.body());
        try { return Json.tree(r.body()); } catch (IllegalArgumentException e) { return Json.MAPPER.getNodeFactory().textNode(r.body()); }
    }

    public static RemoteError error(int status, String body) {
        String detail = body;
        try {
            JsonNode n = Json.tree(body);
            JsonNode d = n.get("detail");
            if (d != null && d.isTextual()) detail = d.asText();
            else if (d != null && d.isArray()) {
                StringBuilder sb = new StringBuilder();
                for (JsonNode e : d) {
                    if (sb.length() > 0) sb.append("; ");
                    JsonNode loc = e.get("loc");
                    if (loc != null && loc.size() > 1) sb.append(loc.get(loc.size() - 1).asText()).append(": ");
                    sb.append(e.path("msg").asText());
                }
                detail = sb.toString();
            }
        } catch (IllegalArgumentException ignored) { }
        String hint = status == 401 ? " (set [security] token / token_file or HAKURIVER_TOKEN to the cluster's token)" : "";
        String readable = SchedulingErrors.readable(detail);
        String msg = readable != null ? readable : "Host answered HTTP " + status + ": " + detail + hint;
        // 5xx: a Host under restart or a proxy in front of it; only the waiting commands retry it (PatientHost)
        if (status >= 500 && readable == null) return new HostUnavailable(msg);
        return new RemoteError(msg);
    }
}
