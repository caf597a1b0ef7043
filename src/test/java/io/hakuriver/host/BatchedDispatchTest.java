package io.hakuriver.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hakuriver.api.RegisterRequest;
import io.hakuriver.api.TaskStatus;
import io.hakuriver.config.ConfigLoader;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.store.Database;
import io.hakuriver.util.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Host's real dispatch path (HostCore → RunnerLink → HTTP) against a runner served by the JDK's HTTP server in
 * this test: starts that pile up while one request is out travel together as /runs, each task gets its own answer,
 * and a runner without /runs (the original's) gets every start as its own /run.
 */
class BatchedDispatchTest {
    @TempDir Path tmp;
    HttpServer runner;
    HostCore core;
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();

    @AfterEach void tearDown() {
        if (core != null) core.close();
        if (runner != null) runner.stop(0);
    }

    private void start(boolean knowsRuns, CountDownLatch holdFirst) throws IOException {
        runner = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        runner.createContext("/", ex -> answer(ex, knowsRuns, holdFirst));
        runner.start();
        HakuConfig cfg = new ConfigLoader(tmp, Map.of(), w -> { }).loadText(
                "[paths]\nshared_dir = \"" + tmp.resolve("shared") + "\"\n", tmp.resolve("t.toml"));
        core = new HostCore(cfg, new Database(tmp.resolve("state.db")), Clock.systemUTC(), ClusterState::send);
        core.register(new RegisterRequest("n1", 64, 64L << 30, "http://127.0.0.1:" + runner.getAddress().getPort(), null, 64));
    }

    private void answer(HttpExchange ex, boolean knowsRuns, CountDownLatch holdFirst) throws IOException {
        String path = ex.getRequestURI().getPath();
        JsonNode body = Json.tree(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        requests.add(path);
        Object reply;
        int status = 200;
        if (path.equals("/run")) {
            if (requests.size() == 1) { try { holdFirst.await(10, TimeUnit.SECONDS); } catch (InterruptedException e) { return; } }
            reply = Map.of("message", "ok", "task_id", body.get("task_id").asLong());
        } else if (path.equals("/runs") && knowsRuns) {
            batchSizes.add(body.get("tasks").size());
            List<Map<String, Object>> results = new ArrayList<>();
            for (JsonNode t : body.get("tasks")) {
                long id = t.get("task_id").asLong();
                String cmd = t.get("command").asText();
                if (cmd.equals("refuse")) results.add(Map.of("task_id", id, "status", 422, "body", Map.of("detail", "not on this node")));
                else if (cmd.equals("busy")) results.add(Map.of("task_id", id, "status", 429, "body", Map.of("detail", "full"), "retry_after", "1"));
                else results.add(Map.of("task_id", id, "status", 200, "body", Map.of("message", "ok")));
            }
            reply = Map.of("results", results);
        } else {
            status = 404;
            reply = Map.of("detail", "Not Found");
        }
        byte[] out = Json.bytes(reply);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, out.length);
        try (var os = ex.getResponseBody()) { os.write(out); }
    }

    private long submit(String command) {
        var done = core.submit(new HostCore.NewTasks(command, List.of(), null, Map.of(), 0, null, List.of(), null, "", null, null, null));
        return done.created().get(0).taskId;
    }

    @Test void startsQueuedBehindAnOpenRequestGoTogetherWithOneAnswerEach() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        start(true, hold);
        long first = submit("true"); // goes alone as /run, and the runner holds its answer
        await().atMost(10, TimeUnit.SECONDS).until(() -> requests.size() == 1);
        List<Long> ok = new ArrayList<>();
        for (int i = 0; i < 10; i++) ok.add(submit("true"));
        long refused = submit("refuse");
        long busy = submit("busy");
        Thread.sleep(200);
        assertThat(requests).as("nothing more is sent while the first start is unanswered").containsExactly("/run");
        hold.countDown();
        await().atMost(10, TimeUnit.SECONDS).until(() -> core.task(refused).status == TaskStatus.FAILED);
        assertThat(requests).startsWith("/run", "/runs");
        assertThat(batchSizes.get(0)).as("the 12 waiting starts in one request").isEqualTo(12);
        assertThat(core.task(refused).errorMessage).contains("422").contains("not on this node");
        for (long id : ok) assertThat(core.task(id).status).isEqualTo(TaskStatus.ASSIGNING);
        assertThat(core.task(first).status).isEqualTo(TaskStatus.ASSIGNING);
        TaskStatus b = core.task(busy).status;
        assertThat(core.task(busy).dispatchAttempts).as("a busy answer puts that one task back in the queue").isGreaterThanOrEqualTo(1);
        assertThat(b).isIn(TaskStatus.PENDING, TaskStatus.ASSIGNING);
    }

    @Test void aRunnerWithoutRunsGetsEveryStartAsItsOwnRun() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        start(false, hold);
        submit("true");
        await().atMost(10, TimeUnit.SECONDS).until(() -> requests.size() == 1);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) ids.add(submit("true"));
        hold.countDown();
        await().atMost(10, TimeUnit.SECONDS).until(() -> requests.stream().filter("/run"::equals).count() == 6);
        assertThat(requests).containsExactly("/run", "/runs", "/run", "/run", "/run", "/run", "/run");
        for (long id : ids) assertThat(core.task(id).status).isEqualTo(TaskStatus.ASSIGNING);
        assertThat(ids).allSatisfy(id -> assertThat(core.task(id).dispatchAttempts).isZero());
        requests.clear();
        for (int i = 0; i < 3; i++) submit("true");
        await().atMost(10, TimeUnit.SECONDS).until(() -> requests.size() == 3);
        assertThat(requests).as("not asked again").containsOnly("/run");
    }

    @Test void aRunnerNobodyAnswersForPutsTheStartBackInTheQueue() throws Exception {
        HakuConfig cfg = new ConfigLoader(tmp, Map.of(), w -> { }).loadText(
                "[paths]\nshared_dir = \"" + tmp.resolve("shared") + "\"\n", tmp.resolve("t.toml"));
        int closed;
        try (var s = new java.net.ServerSocket(0)) { closed = s.getLocalPort(); }
        core = new HostCore(cfg, new Database(tmp.resolve("state.db")), Clock.systemUTC(), ClusterState::send);
        core.register(new RegisterRequest("n1", 4, 8L << 30, "http://127.0.0.1:" + closed, null, 8));
        long id = submit("true");
        await().atMost(10, TimeUnit.SECONDS).until(() -> core.task(id).dispatchAttempts >= 1);
        assertThat(core.task(id).status).as("refused connection: not started anywhere, queued again").isIn(TaskStatus.PENDING, TaskStatus.ASSIGNING);
        assertThat(core.task(id).errorMessage).isNull();
    }
}
