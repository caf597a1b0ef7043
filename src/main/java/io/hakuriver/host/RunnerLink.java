package io.hakuriver.host;

import io.hakuriver.api.RunRequest;
import io.hakuriver.api.TaskControlRequest;
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

/** Host → Runner calls (/run, /kill, /pause, /resume). Ids go out as JSON integers, as runners expect. */
public final class RunnerLink {
    private static final Logger log = LoggerFactory.getLogger(RunnerLink.class);

    private final ClusterState state;
    private final String token;
    /** A small fixed pool: an unbounded client spawned hundreds of threads under a burst of dispatches. */
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .executor(java.util.concurrent.Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "runner-link"); t.setDaemon(true); return t; }))
            .build();
    private final java.util.concurrent.ScheduledExecutorService retries =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "dispatch-retry"); t.setDaemon(true); return t; });
    private static final Duration DISPATCH_TIMEOUT = Duration.ofSeconds(15);

    public RunnerLink(ClusterState state, String token) {
        this.state = state;
        this.token = token;
        state.setLink(this);
    }

    private HttpRequest.Builder request(String url, Object body, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body)));
        if (!token.isEmpty()) b.header("Authorization", "Bearer " + token);
        return b;
    }

    /**
     * Sends /run without waiting and acts on the answer through {@link DispatchOutcome}: accepted frees the
     * node's window slot; "not now" puts the task back in the queue; no answer asks the same Runner again with
     * back-off (a Runner answers 409 to a task it already has, so a retry never starts a task twice); only a
     * definite refusal fails the task.
     */
    void dispatch(NodeRecord node, TaskRecord t) { dispatch(node, t, 1); }

    private void dispatch(NodeRecord node, TaskRecord t, int attempt) {
        String image = t.dockerImageName == null ? "" : t.dockerImageName;
        RunRequest body = new RunRequest(t.taskId, t.command, t.arguments, t.envVars, t.requiredCores,
                t.stdoutPath, t.stderrPath, t.requiredMemoryBytes, t.targetNumaNodeId, image,
                Boolean.TRUE.equals(t.privileged), t.additionalMounts == null ? List.of() : t.additionalMounts,
                node.hostname);
        http.sendAsync(request(node.url + "/run", body, DISPATCH_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString())
            .whenComplete((resp, err) -> {
                DispatchOutcome o = err != null ? DispatchOutcome.of(err)
                        : DispatchOutcome.of(resp.statusCode(), resp.body(), resp.headers().firstValue("Retry-After").orElse(null));
                settle(node, t, o, attempt);
            });
    }

    private void settle(NodeRecord node, TaskRecord t, DispatchOutcome o, int attempt) {
        List<Runnable> next;
        synchronized (state.lock()) {
            switch (o.kind()) {
                case ACCEPTED -> state.dispatchAccepted(t, node.hostname);
                case REQUEUE -> state.dispatchDeferred(t, node.hostname, o.reason(), o.deferNode());
                case REFUSED -> {
                    log.warn("Runner {} refused task {}: {}", node.hostname, t.taskId, o.reason());
                    state.dispatchRefused(t, node.hostname, o.reason());
                }
                case RETRY_SAME_NODE -> {
                    if (state.stillDispatching(t, node.hostname)) {
                        long delay = Math.min(5_000L, 250L << Math.min(attempt, 5));
                        log.info("Start of task {} on {} not confirmed ({}); asking again in {} ms", t.taskId, node.hostname, o.reason(), delay);
                        retries.schedule(() -> dispatch(node, t, attempt + 1), delay, java.util.concurrent.TimeUnit.MILLISECONDS);
                        return;
                    }
                }
            }
            next = state.schedule();
        }
        ClusterState.send(next);
    }

    /** Tells the runner to kill a task; best effort, result only logged (the Host already recorded the kill). */
    void kill(NodeRecord node, long taskId) {
        TaskControlRequest body = new TaskControlRequest(taskId, "hakuriver-task-" + taskId + ".scope");
        http.sendAsync(request(node.url + "/kill", body, Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString())
            .whenComplete((resp, err) -> {
                if (err != null) log.warn("Kill of task {} not delivered to {}: {}", taskId, node.hostname, rootMessage(err));
                else if (resp.statusCode() / 100 != 2 && resp.statusCode() != 404) {
                    log.warn("Runner {} answered {} to kill of task {}: {}", node.hostname, resp.statusCode(), taskId, resp.body());
                }
            });
    }

    /** Synchronous /pause or /resume: the client waits for the runner's answer. */
    CompletableFuture<HttpResponse<String>> control(NodeRecord node, long taskId, String action) {
        TaskControlRequest body = new TaskControlRequest(taskId, "hakuriver-task-" + taskId + ".scope");
        return http.sendAsync(request(node.url + "/" + action, body, Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String rootMessage(Throwable e) {
        while (e.getCause() != null && e.getCause() != e) e = e.getCause();
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
