package io.hakuriver.host;

import io.hakuriver.api.RunRequest;
import io.hakuriver.api.TaskControlRequest;
import io.hakuriver.api.TaskStatus;
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
    private static final int DISPATCH_ATTEMPTS = 4;

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
     * Sends /run without waiting. A connection problem is retried (a runner answers 409 to a duplicate, so a retry
     * never starts a task twice); a refusal, or a runner still unreachable after the retries, fails the task.
     */
    void dispatch(NodeRecord node, TaskRecord t) { dispatch(node, t, 1); }

    private void dispatch(NodeRecord node, TaskRecord t, int attempt) {
        String image = t.dockerImageName == null ? "" : t.dockerImageName;
        RunRequest body = new RunRequest(t.taskId, t.command, t.arguments, t.envVars, t.requiredCores,
                t.stdoutPath, t.stderrPath, t.requiredMemoryBytes, t.targetNumaNodeId, image,
                Boolean.TRUE.equals(t.privileged), t.additionalMounts == null ? List.of() : t.additionalMounts);
        http.sendAsync(request(node.url + "/run", body, Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString())
            .whenComplete((resp, err) -> {
                if (err == null && (resp.statusCode() / 100 == 2 || resp.statusCode() == 409)) { // 409: it has it already
                    synchronized (state.lock()) { state.acknowledged(t.taskId); }
                    return;
                }
                if (err != null && attempt < DISPATCH_ATTEMPTS && t.status == io.hakuriver.api.TaskStatus.ASSIGNING) {
                    retries.schedule(() -> dispatch(node, t, attempt + 1), 250L << attempt, java.util.concurrent.TimeUnit.MILLISECONDS);
                    return;
                }
                String msg = err != null ? "Failed to contact runner: " + rootMessage(err)
                        : "Runner rejected task: " + resp.statusCode() + " - " + resp.body();
                log.warn("Dispatch of task {} to {} failed: {}", t.taskId, node.hostname, msg);
                List<Runnable> next;
                synchronized (state.lock()) {
                    state.transition(t, TaskStatus.FAILED, r -> r.errorMessage = msg);
                    next = state.schedule();
                }
                ClusterState.send(next);
            });
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
