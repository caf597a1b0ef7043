package io.hakuriver.runner;

import io.hakuriver.api.RegisterRequest;
import io.hakuriver.api.UpdateRequest;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.util.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Runner → Host calls: /register, /heartbeat/{name}, /update. */
public final class HostLink {
    private static final Logger log = LoggerFactory.getLogger(HostLink.class);

    private final String base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();

    public HostLink(HakuConfig config) {
        this.base = config.hostUrl();
        this.token = config.resolvedToken();
    }

    public String base() { return base; }

    HttpResponse<String> send(String method, String path, Object body, Duration timeout) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body)));
        if (!token.isEmpty()) b.header("Authorization", "Bearer " + token);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** 200 → true; anything else throws with the Host's explanation. */
    public void register(RegisterRequest r) throws Exception {
        HttpResponse<String> resp = send("POST", "/register", r, Duration.ofSeconds(15));
        if (resp.statusCode() != 200) throw new RegistrationRefused(resp.statusCode(), detail(resp.body()));
    }

    /** @return the HTTP status (404 means: register again) */
    public int heartbeat(String name, Object body) throws Exception {
        return send("PUT", "/heartbeat/" + name, body, Duration.ofSeconds(10)).statusCode();
    }

    /** Outbox delivery: true when the update is settled (acknowledged, or refused for good). */
    public boolean deliver(UpdateRequest u) {
        try {
            HttpResponse<String> resp = send("POST", "/update", u, Duration.ofSeconds(15));
            int s = resp.statusCode();
            if (s / 100 == 2) return true;
            if (s == 404 || s == 422 || s == 400) {
                log.warn("Host refused update for task {} ({}: {}); dropping it", u.taskId(), s, detail(resp.body()));
                return true;
            }
            log.debug("update for task {} not accepted yet: HTTP {}", u.taskId(), s);
            return false;
        } catch (Exception e) {
            log.debug("update for task {} not delivered: {}", u.taskId(), e.toString());
            return false;
        }
    }

    static String detail(String body) {
        try {
            var n = Json.tree(body);
            if (n.has("detail")) return n.get("detail").isTextual() ? n.get("detail").asText() : n.get("detail").toString();
        } catch (Exception ignored) { }
        return body;
    }

    public static final class RegistrationRefused extends Exception {
        public final int status;
        RegistrationRefused(int status, String detail) { super("HTTP " + status + ": " + detail); this.status = status; }
    }
}
