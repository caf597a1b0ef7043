package io.hakuriver.host;

import io.hakuriver.api.RunRequest;
import io.hakuriver.api.TaskControlRequest;
import io.hakuriver.api.TaskNames;
import io.hakuriver.store.NodeRecord;
import io.hakuriver.store.TaskRecord;
import io.hakuriver.util.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Host → Runner calls (/run, /kill, /pause, /resume). Ids go out as JSON integers, as runners expect. What an
 * answer to /run means is decided by {@link DispatchOutcome} and acted on by {@link HostCore}.
 */
final class RunnerLink {
    private static final Logger log = LoggerFactory.getLogger(RunnerLink.class);
    private static final Duration DISPATCH_TIMEOUT = Duration.ofSeconds(15);

    private final HostCore core;
    private final String token;
    /** A small fixed pool: an unbounded client spawned hundreds of threads under a burst of dispatches. */
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "runner-link"); t.setDaemon(true); return t; }))
            .build();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dispatch-retry"); t.setDaemon(true); return t; });

    RunnerLink(HostCore core, String token) {
        this.core = core;
        this.token = token;
    }

    private HttpRequest.Builder request(String url, Object body, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body)));
        if (!token.isEmpty()) b.header("Authorization", "Bearer " + token);
        return b;
    }

    /** Sends /run without waiting; the answer, or its absence, goes to {@link HostCore#dispatchAnswered}. */
    void dispatch(NodeRecord node, TaskRecord t) { dispatch(node, t, 1); }

    void retryLater(NodeRecord node, TaskRecord t, int attempt, long delayMs) {
        retries.schedule(() -> dispatch(node, t, attempt), delayMs, TimeUnit.MILLISECONDS);
    }

    private void dispatch(NodeRecord node, TaskRecord t, int attempt) {
        String image = t.dockerImageName == null ? "" : t.dockerImageName;
        RunRequest body = new RunRequest(t.taskId, t.command, t.arguments, t.envVars, t.requiredCores,
                t.stdoutPath, t.stderrPath, t.requiredMemoryBytes, t.targetNumaNodeId, image,
                Boolean.TRUE.equals(t.privileged), t.additionalMounts == null ? List.of() : t.additionalMounts,
                node.hostname, t.wantsGpus() && t.assignedGpus != null ? t.assignedGpus : List.of());
        http.sendAsync(request(node.url + "/run", body, DISPATCH_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString())
            .whenComplete((resp, err) -> {
                DispatchOutcome o = err != null ? DispatchOutcome.of(err)
                        : DispatchOutcome.of(resp.statusCode(), resp.body(), resp.headers().firstValue("Retry-After").orElse(null));
                try { core.dispatchAnswered(node, t, o, attempt); }
                catch (RuntimeException e) { log.warn("handling the answer to /run of task {} failed: {}", t.taskId, e.toString()); }
            });
    }

    /** Tells the runner to kill a task; best effort, result only logged (the Host already recorded the kill). */
    void kill(NodeRecord node, long taskId) {
        TaskControlRequest body = new TaskControlRequest(taskId, TaskNames.scope(taskId));
        http.sendAsync(request(node.url + "/kill", body, Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString())
            .whenComplete((resp, err) -> {
                if (err != null) log.warn("Kill of task {} not delivered to {}: {}", taskId, node.hostname, rootMessage(err));
                else if (resp.statusCode() / 100 != 2 && resp.statusCode() != 404) {
                    log.warn("Runner {} answered {} to kill of task {}: {}", node.hostname, resp.statusCode(), taskId, resp.body());
                }
            });
    }

    /** Asynchronous /pause or /resume: the caller waits for the runner's answer. */
    CompletableFuture<HttpResponse<String>> control(NodeRecord node, long taskId, String action) {
        TaskControlRequest body = new TaskControlRequest(taskId, TaskNames.scope(taskId));
        return http.sendAsync(request(node.url + "/" + action, body, Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String rootMessage(Throwable e) {
        while (e.getCause() != null && e.getCause() != e) e = e.getCause();
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
