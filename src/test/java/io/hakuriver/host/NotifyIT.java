package io.hakuriver.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.hakuriver.testsupport.Cluster;
import io.hakuriver.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Web hooks through a real Host and Runner: a receiver on loopback gets exactly one accepted POST per ended task
 * (one per sweep), a refusal is retried, the cluster's token never reaches it; `wait` exits with the worst outcome.
 */
class NotifyIT {
    @TempDir Path tmp;

    record Received(String path, String authorization, JsonNode body) {}

    @Test void aLoopbackReceiverGetsOnePostPerEndedTaskAndNeverTheToken() throws Exception {
        List<Received> accepted = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger refused = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        receiver.createContext("/", ex -> {
            byte[] in = ex.getRequestBody().readAllBytes();
            // the first POST is refused: the Host must send it again, not lose it
            boolean refuse = refused.get() == 0 && refused.compareAndSet(0, 1);
            if (!refuse) accepted.add(new Received(ex.getRequestURI().getPath(), ex.getRequestHeaders().getFirst("Authorization"),
                    Json.tree(new String(in, StandardCharsets.UTF_8))));
            ex.sendResponseHeaders(refuse ? 503 : 204, -1);
            ex.close();
        });
        receiver.start();
        String hook = "http://127.0.0.1:" + receiver.getAddress().getPort();
        try (Cluster c = Cluster.start(tmp.resolve("c"), "notify-secret-token", "\n[notify]\nwebhook = \"" + hook + "/all\"\n")) {
            c.addRunner("node-a", null);
            c.awaitOnline(1);
            List<String> ids = new ArrayList<>();
            for (String cmd : List.of("exit 0", "exit 3", "sleep 1")) {
                ids.add(c.client().post("/submit", WorkflowIT.task(null, 0, "sh", "-c", cmd)).get("task_ids").get(0).asText());
            }
            Map<String, Object> own = WorkflowIT.task(null, 0, "true");
            own.put("notify_url", hook + "/mine");
            ids.add(c.client().post("/submit", own).get("task_ids").get(0).asText());
            Cluster.Result sweep = c.client("sweep", "--container", "NULL", "--json", "--", "echo", "span:{1..3}");
            String batch = Json.tree(sweep.out()).get("batch_id").asText();

            Cluster.Result waited = c.client("wait", ids.get(0), ids.get(1), ids.get(2));
            assertThat(waited.exit()).as("the worst: exit code 3 " + waited).isEqualTo(3);
            assertThat(waited.out()).contains("Task " + ids.get(1) + ": failed (exit code 3)");
            Cluster.Result first = c.client("wait", "--any", ids.get(0), ids.get(3));
            assertThat(first.exit()).as(first.toString()).isZero();

            Cluster.await(Duration.ofSeconds(60), "all notifications", () -> accepted.size() >= 1 + 1 + 1 + 2 + 1);
            Thread.sleep(3000); // nothing more may come
            assertThat(refused.get()).isEqualTo(1);
            List<String> perTask = new ArrayList<>();
            for (Received r : accepted) {
                assertThat(r.authorization()).as("no credential to a third party").isNull();
                assertThat(r.body().toString()).doesNotContain("notify-secret-token");
                perTask.add(r.path() + " " + r.body().get("event").asText() + " " + r.body().path("task_id").asText(r.body().path("batch_id").asText()));
            }
            assertThat(perTask).containsExactlyInAnyOrder(
                    "/all task_ended " + ids.get(0), "/all task_ended " + ids.get(1), "/all task_ended " + ids.get(2),
                    "/all task_ended " + ids.get(3), "/mine task_ended " + ids.get(3), "/all batch_ended " + batch);
            JsonNode failed = accepted.stream().filter(r -> r.body().path("task_id").asText().equals(ids.get(1))).findFirst().orElseThrow().body();
            assertThat(failed.get("status").asText()).isEqualTo("failed");
            assertThat(failed.get("exit_code").asInt()).isEqualTo(3);
            assertThat(c.status(ids.get(3)).get("notify").asBoolean()).isTrue();
            assertThat(c.status(ids.get(3)).toString()).as("the hook URL is not shown").doesNotContain("/mine");
        } finally {
            receiver.stop(0);
        }
    }
}
