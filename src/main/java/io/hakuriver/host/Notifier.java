package io.hakuriver.host;

import io.hakuriver.store.NotificationStore;
import io.hakuriver.util.Version;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sends the notification outbox: each body is POSTed to its web hook, outside the state lock and never on a
 * request thread, at most {@link #PARALLEL} at a time, each with a timeout; a failure (no answer, non-2xx) is tried
 * again after 2, 4, 8… s (at most 10 min apart), {@link #MAX_ATTEMPTS} times in all. The requests carry no token
 * or other credential (a web hook is a third party), and logs name only a hook's scheme, host and port: its path
 * or query may itself be a secret.
 */
final class Notifier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Notifier.class);
    static final int PARALLEL = 4;
    static final int MAX_ATTEMPTS = 10;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HostCore core;
    private final Set<Long> sending = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "notifier"); t.setDaemon(true); return t; });
    /** Made on the first notification: a cluster without web hooks pays no client, selector thread or pool. */
    private HttpClient http;

    Notifier(HostCore core) { this.core = core; }

    Notifier start() {
        loop.scheduleWithFixedDelay(this::sendDue, 1, 1, TimeUnit.SECONDS);
        return this;
    }

    /** One pass: what is due and not already on its way goes out. Never throws (the loop must go on). */
    void sendDue() {
        try {
            int room = PARALLEL - sending.size();
            if (room <= 0) return;
            List<NotificationStore.Pending> due = core.dueNotifications(room, Set.copyOf(sending));
            for (NotificationStore.Pending p : due) send(p);
        } catch (RuntimeException e) {
            log.warn("notification pass failed (will retry): {}", e.toString());
        }
    }

    private void send(NotificationStore.Pending p) {
        HttpRequest req;
        try {
            req = HttpRequest.newBuilder(URI.create(p.url())).timeout(TIMEOUT)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "HakuRiver/" + Version.version())
                    .POST(HttpRequest.BodyPublishers.ofString(p.body())).build();
        } catch (IllegalArgumentException e) {
            log.warn("Notification {} has an unusable URL ({}); dropped", p.id(), redact(p.url()));
            core.notificationOutcome(p, true, 0);
            return;
        }
        sending.add(p.id());
        client().sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((resp, err) -> {
            try {
                boolean ok = err == null && resp.statusCode() / 100 == 2;
                if (!ok) {
                    String why = err != null ? RunnerLink.rootMessage(err) : "HTTP " + resp.statusCode();
                    log.info("Notification to {} not delivered (attempt {}): {}", redact(p.url()), p.attempts() + 1, why);
                    if (p.attempts() + 1 >= MAX_ATTEMPTS) log.warn("Notification to {} given up after {} attempts", redact(p.url()), MAX_ATTEMPTS);
                }
                core.notificationOutcome(p, ok, ok ? 0 : backoffSeconds(p.attempts() + 1));
            } catch (RuntimeException e) {
                log.warn("recording a notification outcome failed: {}", e.toString());
            } finally {
                sending.remove(p.id());
            }
        });
    }

    private synchronized HttpClient client() {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                    .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1)
                    .executor(Executors.newFixedThreadPool(2, r -> { Thread t = new Thread(r, "notifier-http"); t.setDaemon(true); return t; }))
                    .build();
        }
        return http;
    }

    /** Seconds before attempt {@code n + 1}: 2, 4, 8… at most 10 minutes. */
    static long backoffSeconds(int failedAttempts) { return Math.min(600, 1L << Math.min(failedAttempts, 10)); }

    /** Only scheme, host and port of a URL, for logs: a web hook's path or query often is its secret. */
    static String redact(String url) {
        try {
            URI u = URI.create(url);
            return u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "") + "/…";
        } catch (RuntimeException e) {
            return "(unparsable URL)";
        }
    }

    @Override public void close() { loop.shutdownNow(); }
}
