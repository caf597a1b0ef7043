package io.hakuriver.host;

import io.hakuriver.api.InvalidBody;
import io.hakuriver.api.RunRequest;
import io.hakuriver.api.RunResult;
import io.hakuriver.api.TaskControlRequest;
import io.hakuriver.api.TaskNames;
import io.hakuriver.api.WireJson;
import io.hakuriver.api.WireReader;
import io.hakuriver.store.NodeRecord;
import io.hakuriver.store.TaskRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Host → Runner calls (/run, /kill, /pause, /resume). Ids go out as JSON integers, as runners expect. What an
 * answer to /run means is decided by {@link DispatchOutcome} and acted on by {@link HostCore}.
 *
 * <p>Starts for one node are batched: while a start request to a node is unanswered, further starts for it wait
 * and then go together as one {@code POST /runs} (one HTTP exchange, one answer per task). A Runner without
 * {@code /runs} (the original's) gets every start as its own {@code /run}, as before.
 */
final class RunnerLink {
    private static final Logger log = LoggerFactory.getLogger(RunnerLink.class);
    private static final Duration DISPATCH_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(15);
    /** Most starts in one /runs request, and about the most bytes (the Runner reads at most 4 MiB). */
    static final int MAX_BATCH = 64;
    static final int MAX_BATCH_BYTES = 1024 * 1024;
    /** A Runner's answer to a start is small; more is not read. */
    private static final int MAX_ANSWER_BYTES = 1024 * 1024;

    private final HostCore core;
    private final String token;
    /**
     * Only for original Runners (no {@code /runs}), built on first use: building a java.net.http client sets up TLS
     * (JSSE, the CA store), about 3 MiB of the Host's memory for a client that only ever speaks plain HTTP to Runners.
     * A small fixed pool: an unbounded client spawned hundreds of threads under a burst of dispatches.
     */
    private HttpClient singles;
    /** Threads that send starts and wait for the answer: at most one per node at a time (its request out). */
    private final java.util.concurrent.ExecutorService senders = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "runner-link-send"); t.setDaemon(true); return t; });
    /**
     * Kill, pause and resume: each a short blocking request, two at a time. At most {@link #MAX_CONTROLS} wait; a kill
     * beyond that is dropped with a warning (the next heartbeat's reconciliation kills a task that still runs there),
     * a pause or resume beyond it fails at once.
     */
    private final java.util.concurrent.ThreadPoolExecutor controls = new java.util.concurrent.ThreadPoolExecutor(2, 2,
            0, TimeUnit.MILLISECONDS, new java.util.concurrent.ArrayBlockingQueue<>(MAX_CONTROLS), r -> {
                Thread t = new Thread(r, "runner-link-control"); t.setDaemon(true); return t; });
    static final int MAX_CONTROLS = 10_000;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dispatch-retry"); t.setDaemon(true); return t; });

    /** One start waiting for, or travelling in, a /runs request. */
    private record Start(NodeRecord node, TaskRecord task, int attempt, byte[] json) {}

    /** Per node (by URL): starts waiting while one request is out, and whether the Runner knows /runs. */
    private static final class NodeQueue {
        final ArrayDeque<Start> waiting = new ArrayDeque<>();
        boolean sending;
        volatile boolean singlesOnly;
    }

    private final Map<String, NodeQueue> queues = new ConcurrentHashMap<>();

    RunnerLink(HostCore core, String token) {
        this.core = core;
        this.token = token;
    }

    private HttpRequest.Builder request(String url, byte[] body, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (!token.isEmpty()) b.header("Authorization", "Bearer " + token);
        return b;
    }

    /**
     * Queues a start; {@link #flush} sends it. The answer, or its absence, goes to {@link HostCore#dispatchAnswered}.
     */
    void dispatch(NodeRecord node, TaskRecord t) { enqueue(node, t, 1); }

    void retryLater(NodeRecord node, TaskRecord t, int attempt, long delayMs) {
        retries.schedule(() -> { enqueue(node, t, attempt); flush(); }, delayMs, TimeUnit.MILLISECONDS);
    }

    private static RunRequest runRequest(NodeRecord node, TaskRecord t) {
        String image = t.dockerImageName == null ? "" : t.dockerImageName;
        return new RunRequest(t.taskId, t.command, t.arguments, t.envVars, t.requiredCores,
                t.stdoutPath, t.stderrPath, t.requiredMemoryBytes, t.targetNumaNodeId, image,
                Boolean.TRUE.equals(t.privileged), t.additionalMounts == null ? List.of() : t.additionalMounts,
                node.hostname, t.wantsGpus() && t.assignedGpus != null ? t.assignedGpus : List.of(),
                t.startsWhenRoom ? Boolean.TRUE : null);
    }

    private void enqueue(NodeRecord node, TaskRecord t, int attempt) {
        Start s = new Start(node, t, attempt, WireJson.bytes(runRequest(node, t)));
        NodeQueue q = queues.computeIfAbsent(node.url, u -> new NodeQueue());
        if (q.singlesOnly) { sendOne(s); return; }
        synchronized (q) { q.waiting.add(s); }
    }

    /** Sends what is queued for every node that has no start request out. Called after each state change. */
    void flush() {
        for (NodeQueue q : queues.values()) sendNext(q);
    }

    /** Takes the next batch of q unless a request is out already; one task goes as /run, several as /runs. */
    private void sendNext(NodeQueue q) {
        List<Start> batch = new ArrayList<>();
        synchronized (q) {
            if (q.sending || q.waiting.isEmpty()) return;
            int bytes = 0;
            while (!q.waiting.isEmpty() && batch.size() < MAX_BATCH
                    && (batch.isEmpty() || bytes + q.waiting.peek().json().length <= MAX_BATCH_BYTES)) {
                Start s = q.waiting.poll();
                bytes += s.json().length;
                batch.add(s);
            }
            q.sending = true;
        }
        senders.execute(() -> {
            try {
                if (batch.size() == 1) answered(batch.get(0).node(), List.of(sendBlocking(batch.get(0))));
                else sendBatch(q, batch);
            } catch (RuntimeException e) {
                log.warn("sending starts to {} failed: {}", batch.get(0).node().hostname, e.toString());
            } finally {
                synchronized (q) { q.sending = false; }
                sendNext(q);
            }
        });
    }

    /** An original Runner's starts: each its own asynchronous /run, several at once, as before batching. */
    private void sendOne(Start s) {
        singles().sendAsync(request(s.node().url + "/run", s.json(), DISPATCH_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString())
            .whenComplete((resp, err) -> {
                DispatchOutcome o = err != null ? DispatchOutcome.of(err)
                        : DispatchOutcome.of(resp.statusCode(), resp.body(), resp.headers().firstValue("Retry-After").orElse(null));
                answered(s.node(), List.of(new HostCore.Answer(s.task(), o, s.attempt())));
            });
    }

    /** One start as /run, waiting for the answer (on a sender thread: one request out per node). */
    private HostCore.Answer sendBlocking(Start s) {
        DispatchOutcome o;
        try {
            Reply r = post(s.node().url + "/run", s.json());
            o = DispatchOutcome.of(r.status(), r.body(), r.retryAfter());
        } catch (IOException e) {
            o = DispatchOutcome.of(e);
        }
        return new HostCore.Answer(s.task(), o, s.attempt());
    }

    private void sendBatch(NodeQueue q, List<Start> batch) {
        NodeRecord node = batch.get(0).node();
        // {"tasks": [<RunRequest>, ...]} from each start's RunRequest bytes, written once when it was queued
        StringBuilder body = new StringBuilder(batch.size() * 512).append("{\"tasks\":[");
        for (int i = 0; i < batch.size(); i++) {
            if (i > 0) body.append(',');
            body.append(new String(batch.get(i).json(), StandardCharsets.UTF_8));
        }
        body.append("]}");
        Reply r;
        try {
            r = post(node.url + "/runs", body.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            DispatchOutcome o = DispatchOutcome.of(e);
            answered(node, batch.stream().map(s -> new HostCore.Answer(s.task(), o, s.attempt())).toList());
            return;
        }
        if (r.status() / 100 == 2) {
            answered(node, perTask(batch, r.body()));
        } else if (isVerdictOnRunner(r.status())) {
            DispatchOutcome o = DispatchOutcome.of(r.status(), r.body(), r.retryAfter());
            answered(node, batch.stream().map(s -> new HostCore.Answer(s.task(), o, s.attempt())).toList());
        } else {
            // 404/405: a Runner without /runs (the original's); anything else about the batch itself: each start
            // then gets its own, definite answer
            if (r.status() == 404 || r.status() == 405) {
                log.info("Runner {} has no /runs; sending its starts one by one", node.hostname);
                q.singlesOnly = true;
            } else {
                log.warn("Runner {} answered {} to a batch of {} starts; sending them one by one", node.hostname, r.status(), batch.size());
            }
            for (Start s : batch) answered(node, List.of(sendBlocking(s)));
        }
    }

    private synchronized HttpClient singles() {
        if (singles == null) {
            singles = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                    .version(HttpClient.Version.HTTP_1_1)
                    .executor(Executors.newFixedThreadPool(4, r -> {
                        Thread t = new Thread(r, "runner-link"); t.setDaemon(true); return t; }))
                    .build();
        }
        return singles;
    }

    /** A Runner's answer: HTTP status, body text (at most {@link #MAX_ANSWER_BYTES}) and its Retry-After header. */
    record Reply(int status, String body, String retryAfter) {}

    /**
     * A blocking POST through the JDK's HttpURLConnection (kept-alive connections, no selector or executor hand-offs:
     * profiled at a fraction of java.net.http's cost per request). A failure before anything was sent surfaces as a
     * {@link ConnectException}, so the task goes back to the queue instead of asking this Runner again.
     */
    private Reply post(String url, byte[] body) throws IOException { return post(url, body, DISPATCH_TIMEOUT); }

    private Reply post(String url, byte[] body, Duration timeout) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setConnectTimeout(5_000);
        c.setReadTimeout((int) timeout.toMillis());
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode(body.length);
        c.setRequestProperty("Content-Type", "application/json");
        if (!token.isEmpty()) c.setRequestProperty("Authorization", "Bearer " + token);
        try {
            c.connect();
        } catch (IOException e) {
            throw new ConnectException("connecting to " + url + ": " + e);
        }
        try (OutputStream out = c.getOutputStream()) { out.write(body); }
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        String text = "";
        if (in != null) {
            try (in) { text = new String(in.readNBytes(MAX_ANSWER_BYTES), StandardCharsets.UTF_8); }
        }
        return new Reply(status, text, c.getHeaderField("Retry-After"));
    }

    /** Answers to a whole batch that say something about the Runner, not the tasks: busy, auth, failing. */
    private static boolean isVerdictOnRunner(int status) {
        return status == 429 || status == 503 || status == 401 || status == 403 || status == 421 || status / 100 == 5;
    }

    private static final WireReader<RunResult> RESULT = WireReader.of(RunResult.class);

    /** One outcome per start from a /runs answer: {@code results[i]} ({@link RunResult}) answers {@code tasks[i]}. */
    private static List<HostCore.Answer> perTask(List<Start> batch, String body) {
        List<HostCore.Answer> out = new ArrayList<>(batch.size());
        List<?> results;
        try { results = WireReader.tree(body.getBytes(StandardCharsets.UTF_8)).get("results") instanceof List<?> l ? l : List.of(); }
        catch (InvalidBody e) { results = List.of(); }
        for (int i = 0; i < batch.size(); i++) {
            Start s = batch.get(i);
            RunResult r = null;
            try { if (i < results.size()) r = RESULT.read(results.get(i)); } catch (InvalidBody e) { r = null; }
            DispatchOutcome o;
            if (r == null || r.taskId() == null || r.taskId() != s.task().taskId) {
                o = DispatchOutcome.of(new java.io.IOException("no answer for this task in the /runs reply"));
            } else {
                // the body matters only for a refusal: its detail becomes the reason
                o = DispatchOutcome.of(r.status(), r.status() / 100 == 2 ? "" : WireJson.write(r.body()), r.retryAfter());
            }
            out.add(new HostCore.Answer(s.task(), o, s.attempt()));
        }
        return out;
    }

    private void answered(NodeRecord node, List<HostCore.Answer> answers) {
        try { core.dispatchAnswered(node, answers); }
        catch (RuntimeException e) { log.warn("handling the answers to the starts on {} failed: {}", node.hostname, e.toString()); }
    }

    /** Tells the runner to kill a task; best effort, result only logged (the Host already recorded the kill). */
    void kill(NodeRecord node, long taskId) {
        try {
            controls.execute(() -> kill0(node, taskId));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.warn("Kill of task {} on {} not sent: {} runner calls are waiting already", taskId, node.hostname, MAX_CONTROLS);
        }
    }

    private void kill0(NodeRecord node, long taskId) {
        try {
            Reply r = post(node.url + "/kill", control(taskId), CONTROL_TIMEOUT);
            if (r.status() / 100 != 2 && r.status() != 404) {
                log.warn("Runner {} answered {} to kill of task {}: {}", node.hostname, r.status(), taskId, r.body());
            }
        } catch (IOException e) {
            log.warn("Kill of task {} not delivered to {}: {}", taskId, node.hostname, rootMessage(e));
        }
    }

    /** /pause or /resume: the caller waits for the runner's answer. */
    CompletableFuture<Reply> control(NodeRecord node, long taskId, String action) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return post(node.url + "/" + action, control(taskId), CONTROL_TIMEOUT);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, controls);
    }

    private static byte[] control(long taskId) {
        return WireJson.bytes(new TaskControlRequest(taskId, TaskNames.scope(taskId)));
    }

    static String rootMessage(Throwable e) {
        while (e.getCause() != null && e.getCause() != e) e = e.getCause();
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
