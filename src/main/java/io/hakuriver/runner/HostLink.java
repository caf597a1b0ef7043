package io.hakuriver.runner;

import io.hakuriver.api.HeartbeatRequest;
import io.hakuriver.api.InvalidBody;
import io.hakuriver.api.RegisterRequest;
import io.hakuriver.api.UpdateRequest;
import io.hakuriver.api.UpdateResult;
import io.hakuriver.api.WireJson;
import io.hakuriver.api.WireReader;
import io.hakuriver.config.HakuConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Runner → Host calls: /register, /heartbeat/{name}, /update. With several Hosts (a leader and a standby on one
 * PostgreSQL) every call goes to the Host that led last; a Host that does not answer, or answers as the standby,
 * sends the call on to the next one (the leader it names first), so the Runner follows a takeover by itself.
 */
public final class HostLink {
    private static final Logger log = LoggerFactory.getLogger(HostLink.class);
    static final String ROLE_HEADER = "X-HakuRiver-Role";
    static final String LEADER_HEADER = "X-HakuRiver-Leader";

    private final List<String> bases;
    private volatile int current;
    private final String token;
    private final String name;

    public HostLink(HakuConfig config) {
        this.bases = config.hostUrls();
        this.token = config.resolvedToken();
        this.name = config.runnerName();
    }

    /** The Host calls go to now. */
    public String base() { return bases.get(current); }

    /** A status and a body: all the Runner needs from the Host's answers. */
    record Reply(int statusCode, String body) {}

    /**
     * HttpURLConnection rather than java.net.http: for plain http it loads no TLS machinery and starts no selector or
     * worker threads, which keeps an idle Runner several MiB smaller. Connections are kept alive by the JDK.
     */
    Reply send(String method, String path, Object body, Duration timeout) throws IOException {
        IOException failed = null;
        Reply standby = null;
        int start = current;
        for (int i = 0; i < bases.size(); i++) {
            int at = (start + i) % bases.size();
            try {
                Sent r = sendTo(bases.get(at), method, path, body, timeout);
                if (!r.standby() || bases.size() == 1) {
                    if (at != current) { log.info("Host {} leads now; following it", bases.get(at)); current = at; }
                    return r.reply();
                }
                standby = r.reply();
                int hinted = r.leader() == null ? -1 : bases.indexOf(r.leader());
                if (hinted >= 0 && hinted != at && hinted != start) { // straight to the leader it names
                    Sent h = sendTo(bases.get(hinted), method, path, body, timeout);
                    if (!h.standby()) { log.info("Host {} leads now; following it", bases.get(hinted)); current = hinted; return h.reply(); }
                }
            } catch (IOException e) {
                failed = e;
            }
        }
        if (standby != null) return standby; // nobody leads at the moment: a 503, retried like any other
        throw failed;
    }

    /** One answer, and whether it came from a standby (and the leader it named). */
    private record Sent(Reply reply, boolean standby, String leader) {}

    private Sent sendTo(String base, String method, String path, Object body, Duration timeout) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(base + path).toURL().openConnection();
        try {
            c.setConnectTimeout(5000);
            c.setReadTimeout((int) timeout.toMillis());
            c.setRequestMethod(method);
            c.setRequestProperty("Content-Type", "application/json");
            if (!token.isEmpty()) c.setRequestProperty("Authorization", "Bearer " + token);
            if (name.matches("[\\x21-\\x7e]{1,255}")) c.setRequestProperty(io.hakuriver.api.WireHeaders.RUNNER, name); // printable ASCII only
            byte[] out = WireJson.bytes(body);
            c.setDoOutput(true);
            // no streaming mode: the JDK then sends headers and body in one write. Streamed, the body waited for
            // the ACK of the headers (Nagle; this socket has no TCP_NODELAY), which the Host delays up to 40 ms.
            try (OutputStream os = c.getOutputStream()) { os.write(out); }
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (in != null) in.close(); // fully read and closed: the connection goes back to the keep-alive cache
            return new Sent(new Reply(status, text), "standby".equals(c.getHeaderField(ROLE_HEADER)), c.getHeaderField(LEADER_HEADER));
        } catch (IOException e) {
            c.disconnect();
            throw e;
        }
    }

    /** 200 → true; anything else throws with the Host's explanation. */
    public void register(RegisterRequest r) throws Exception {
        Reply resp = send("POST", "/register", r, Duration.ofSeconds(15));
        if (resp.statusCode() != 200) throw new RegistrationRefused(resp.statusCode(), detail(resp.body()));
    }

    /** @return the HTTP status (404 means: register again) */
    public int heartbeat(String name, HeartbeatRequest body) throws Exception {
        return send("PUT", "/heartbeat/" + name, body, Duration.ofSeconds(10)).statusCode();
    }

    private static final WireReader<UpdateResult> RESULT = WireReader.of(UpdateResult.class);

    /** Whether the Host has POST /updates (ours); an original Host answers 404 and gets one /update per call. */
    private volatile boolean batches = true;

    /**
     * Outbox delivery of several updates in order: how many of them, from the first, are settled (acknowledged or
     * refused for good). Our Host takes them in one /updates call (one lock, one transaction); an original Host
     * gets the first one through /update.
     */
    public int deliverAll(List<UpdateRequest> updates) {
        if (!batches || updates.size() == 1) return deliver(updates.get(0)) ? 1 : 0;
        try {
            Reply resp = send("POST", "/updates", new UpdateRequest.Batch(updates), Duration.ofSeconds(30));
            if (resp.statusCode() == 404 || resp.statusCode() == 405) {
                log.info("Host {} has no /updates; sending updates one by one", base());
                batches = false;
                return deliver(updates.get(0)) ? 1 : 0;
            }
            if (resp.statusCode() / 100 != 2) {
                log.debug("{} updates not accepted yet: HTTP {}", updates.size(), resp.statusCode());
                return 0;
            }
            int settled = 0;
            Object results = WireReader.tree(resp.body().getBytes(StandardCharsets.UTF_8)).get("results");
            for (Object item : results instanceof List<?> l ? l : List.of()) {
                UpdateResult r;
                try { r = RESULT.read(item); } catch (InvalidBody e) { break; } // no answer we can read: not settled
                int s = r.status();
                if (s / 100 != 2 && !settles(s)) break;
                if (s / 100 != 2) log.warn("Host refused update for task {} ({}: {}); dropping it", r.taskId(), s, WireJson.write(r.detail() != null ? r.detail() : r.message()));
                settled++;
            }
            return Math.min(settled, updates.size());
        } catch (Exception e) {
            log.debug("{} updates not delivered: {}", updates.size(), e.toString());
            return 0;
        }
    }

    /** A refusal that will never change (unknown task, invalid update): retrying would only block the outbox. */
    private static boolean settles(int status) { return status == 404 || status == 422 || status == 400; }

    /** Outbox delivery of one update: true when it is settled (acknowledged, or refused for good). */
    public boolean deliver(UpdateRequest u) {
        try {
            Reply resp = send("POST", "/update", u, Duration.ofSeconds(15));
            int s = resp.statusCode();
            if (s / 100 == 2) return true;
            if (settles(s)) {
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

    static String detail(String body) { return io.hakuriver.http.ErrorDetail.of(body); }

    public static final class RegistrationRefused extends Exception {
        public final int status;
        RegistrationRefused(int status, String detail) { super("HTTP " + status + ": " + detail); this.status = status; }
    }
}
