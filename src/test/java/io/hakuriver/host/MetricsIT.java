package io.hakuriver.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.client.HostClient;
import io.hakuriver.testsupport.Cluster;
import io.hakuriver.testsupport.PromParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GET /metrics of a real Host with a real Runner, read by the Prometheus Python client's text-format parser; behind
 * the token unless [security] metrics_public = true.
 */
class MetricsIT {
    @TempDir Path tmp;

    static double value(JsonNode families, String family, String sample, String label, String labelValue) {
        JsonNode f = families.get(family);
        assertThat(f).as("family " + family).isNotNull();
        for (JsonNode s : f.get("samples")) {
            if (!s.get(0).asText().equals(sample)) continue;
            if (label == null || labelValue.equals(s.get(1).path(label).asText())) return s.get(2).asDouble();
        }
        throw new AssertionError("no sample " + sample + (label == null ? "" : "{" + label + "=" + labelValue + "}") + " in " + f);
    }

    @Test void metricsAreValidPrometheusTextAndFollowTheTokenRules() throws Exception {
        PromParser.require();
        try (Cluster c = Cluster.start(tmp.resolve("c"), "metrics-token", null)) {
            c.addRunner("node-a", null);
            c.awaitOnline(1);
            for (int i = 0; i < 3; i++) {
                String id = c.client().post("/submit", WorkflowIT.task("node-a", 0, "true")).get("task_ids").get(0).asText();
                c.awaitTask(id, Duration.ofSeconds(30), Cluster::isFinal);
            }
            var bad = c.client().post("/submit", WorkflowIT.task("node-a", 0, "sh", "-c", "exit 2")).get("task_ids").get(0).asText();
            c.awaitTask(bad, Duration.ofSeconds(30), Cluster::isFinal);

            var anonymous = new HostClient(c.hostUrl(), "").send("GET", "/metrics", null, Duration.ofSeconds(5));
            assertThat(anonymous.statusCode()).isEqualTo(401);
            // the Runner's backlog arrives with its heartbeats (every second here): wait for the first one after the tasks
            Cluster.await(Duration.ofSeconds(20), "a heartbeat with the Runner's backlog", () -> c.client()
                    .send("GET", "/metrics", null, Duration.ofSeconds(10)).body().contains("hakuriver_runner_pending_updates{node=\"node-a\"}"));
            var r = c.client().send("GET", "/metrics", null, Duration.ofSeconds(10));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
            JsonNode m = PromParser.parse(r.body());
            assertThat(value(m, "hakuriver_tasks", "hakuriver_tasks", "state", "completed")).isEqualTo(3);
            assertThat(value(m, "hakuriver_tasks", "hakuriver_tasks", "state", "failed")).isEqualTo(1);
            assertThat(value(m, "hakuriver_nodes", "hakuriver_nodes", "state", "online")).isEqualTo(1);
            assertThat(value(m, "hakuriver_queue_length", "hakuriver_queue_length", null, null)).isZero();
            assertThat(value(m, "hakuriver_cores_total", "hakuriver_cores_total", null, null)).isEqualTo(Runtime.getRuntime().availableProcessors());
            assertThat(m.get("hakuriver_task_end_to_end_seconds").get("type").asText()).isEqualTo("histogram");
            assertThat(value(m, "hakuriver_task_end_to_end_seconds", "hakuriver_task_end_to_end_seconds_count", null, null)).isEqualTo(4);
            assertThat(value(m, "hakuriver_task_dispatch_latency_seconds", "hakuriver_task_dispatch_latency_seconds_bucket", "le", "+Inf")).isEqualTo(4);
            assertThat(value(m, "hakuriver_runner_pending_updates", "hakuriver_runner_pending_updates", "node", "node-a")).isGreaterThanOrEqualTo(0);

            // a queue with a task that cannot start yet: length and the age of its oldest element
            c.client().post("/nodes/node-a/drain", null);
            c.client().post("/submit", WorkflowIT.task("node-a", 0, "true"));
            Thread.sleep(1200);
            JsonNode q = PromParser.parse(c.client().send("GET", "/api/metrics", null, Duration.ofSeconds(10)).body());
            assertThat(value(q, "hakuriver_queue_length", "hakuriver_queue_length", null, null)).isEqualTo(1);
            assertThat(value(q, "hakuriver_queue_oldest_age_seconds", "hakuriver_queue_oldest_age_seconds", null, null)).isGreaterThan(1.0);
            assertThat(value(q, "hakuriver_nodes", "hakuriver_nodes", "state", "drained")).isEqualTo(1);

            c.stopHost(false);
            Files.writeString(c.hostConfig(), Files.readString(c.hostConfig()).replace("[security]\n", "[security]\nmetrics_public = true\n"));
            c.startHost();
            var open = new HostClient(c.hostUrl(), "").send("GET", "/metrics", null, Duration.ofSeconds(10));
            assertThat(open.statusCode()).as("metrics_public = true").isEqualTo(200);
            PromParser.parse(open.body());
            assertThat(new HostClient(c.hostUrl(), "").send("GET", "/nodes", null, Duration.ofSeconds(5)).statusCode())
                    .as("only /metrics is opened").isEqualTo(401);
        }
    }
}
