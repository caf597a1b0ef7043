package io.hakuriver.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.store.NotificationStore;
import io.hakuriver.util.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What the core puts in the notification outbox: one body per ended task, one per ended sweep, none per retry. */
class NotificationTest {
    @TempDir Path tmp;
    CoreHarness h;

    @BeforeEach void setUp() { h = new CoreHarness(tmp, "\n[notify]\nwebhook = \"http://127.0.0.1:9/hook/secret-path\"\n"); h.register("n1", 8); }
    @AfterEach void tearDown() { h.close(); }

    private List<NotificationStore.Pending> due() { return h.core.dueNotifications(100, Set.of()); }

    @Test void oneBodyPerEndedTaskToTheWebhookAndTheTasksOwnUrl() {
        long a = h.submit(1);
        long b = h.submit(1, 1, RunPolicy.notifying("http://127.0.0.1:9/mine")).get(0);
        long retried = h.submit(1, 1, RunPolicy.retries(1, 0, null)).get(0);
        assertThat(due()).isEmpty();
        h.runToEnd(a, 0);
        h.runToEnd(b, 4);
        h.runToEnd(retried, 1); // attempt 1 failed: not an end
        assertThat(due()).hasSize(3);
        h.runToEnd(retried, 0);
        List<NotificationStore.Pending> all = due();
        assertThat(all).extracting(NotificationStore.Pending::url).containsExactly(
                "http://127.0.0.1:9/hook/secret-path", "http://127.0.0.1:9/mine", "http://127.0.0.1:9/hook/secret-path",
                "http://127.0.0.1:9/hook/secret-path");
        JsonNode body = Json.tree(all.get(1).body());
        assertThat(body.get("event").asText()).isEqualTo("task_ended");
        assertThat(body.get("task_id").asText()).isEqualTo(String.valueOf(b));
        assertThat(body.get("status").asText()).isEqualTo("failed");
        assertThat(body.get("exit_code").asInt()).isEqualTo(4);
        assertThat(Json.tree(all.get(3).body()).get("attempt").asInt()).isEqualTo(2);
        h.core.notificationOutcome(all.get(0), true, 0);
        h.core.notificationOutcome(all.get(1), false, 30);
        assertThat(due()).as("delivered: gone; failed: later").hasSize(2);
        h.restart();
        assertThat(due()).as("the outbox survives a restart").hasSize(2);
    }

    @Test void aSweepIsAnnouncedOnceWhenItsLastElementEnds() {
        List<Long> sweep = h.submit(1, 3, RunPolicy.NONE);
        h.runToEnd(sweep.get(0), 0);
        h.runToEnd(sweep.get(2), 2);
        assertThat(due()).isEmpty();
        h.runToEnd(sweep.get(1), 0);
        List<NotificationStore.Pending> all = due();
        assertThat(all).hasSize(1);
        JsonNode body = Json.tree(all.get(0).body());
        assertThat(body.get("event").asText()).isEqualTo("batch_ended");
        assertThat(body.get("total").asInt()).isEqualTo(3);
        assertThat(body.get("counts").get("completed").asInt()).isEqualTo(2);
        assertThat(body.get("not_completed").get(0).get("task_id").asText()).isEqualTo(String.valueOf(sweep.get(2)));
        assertThat(body.toString()).doesNotContain("token");
    }

    @Test void logsNameOnlyTheHookHostAndTheBackOffGrows() {
        assertThat(Notifier.redact("https://hooks.example.com:8443/services/T000/B000/XXXX?key=s3cret")).isEqualTo("https://hooks.example.com:8443/…");
        assertThat(List.of(Notifier.backoffSeconds(1), Notifier.backoffSeconds(2), Notifier.backoffSeconds(20))).containsExactly(2L, 4L, 600L);
    }
}
