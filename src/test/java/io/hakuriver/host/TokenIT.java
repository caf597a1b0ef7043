package io.hakuriver.host;

import io.hakuriver.client.HostClient;
import io.hakuriver.testsupport.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared token: every endpoint but the probe needs it, on the Host and on the Runner. */
class TokenIT {
    @TempDir Path tmp;
    Cluster c;

    @AfterEach void down() { if (c != null) c.close(); }

    @Test void tokenIsRequiredEverywhereButTheProbe() throws Exception {
        c = Cluster.start(tmp.resolve("c"), "s3cret-token", null);
        c.addRunner("n1", null);
        c.awaitOnline(1); // the runner registered and heartbeats with the token
        HostClient anon = new HostClient(c.hostUrl(), "");
        HostClient wrong = new HostClient(c.hostUrl(), "nope");
        for (String path : List.of("/nodes", "/api/nodes", "/tasks", "/health", "/status/1")) {
            assertThat(anon.send("GET", path, null, Duration.ofSeconds(5)).statusCode()).as(path).isEqualTo(401);
            assertThat(wrong.send("GET", path, null, Duration.ofSeconds(5)).statusCode()).as(path).isEqualTo(401);
        }
        var denied = anon.send("POST", "/submit", Map.of("command", "true"), Duration.ofSeconds(5));
        assertThat(denied.statusCode()).isEqualTo(401);
        assertThat(denied.body()).contains("Authorization: Bearer");
        // the token in the URL is for WebSocket upgrades only: it would end up in proxy logs and browser history
        assertThat(anon.send("POST", "/submit?token=s3cret-token", Map.of("command", "true"), Duration.ofSeconds(5)).statusCode())
                .isEqualTo(401);
        assertThat(anon.send("GET", "/tasks?token=s3cret-token", null, Duration.ofSeconds(5)).statusCode()).isEqualTo(401);
        assertThat(anon.send("POST", "/register", Map.of("hostname", "evil", "total_cores", 1, "total_ram_bytes", 1,
                "runner_url", "http://127.0.0.1:1"), Duration.ofSeconds(5)).statusCode()).isEqualTo(401);
        assertThat(anon.get("/healthz").get("auth_required").asBoolean()).isTrue();
        // the Runner's own API is protected too
        HostClient runnerAnon = new HostClient(c.runner("n1").url(), "");
        assertThat(runnerAnon.send("POST", "/run", Map.of("task_id", 1, "command", "true"), Duration.ofSeconds(5)).statusCode()).isEqualTo(401);
        assertThat(runnerAnon.send("GET", "/healthz", null, Duration.ofSeconds(5)).statusCode()).isEqualTo(200);
        // with the token everything works end to end, through the CLI too
        Cluster.Result r = c.client("--container", "NULL", "--wait", "--", "echo", "authorised");
        assertThat(r.exit()).as(r.toString()).isZero();
        Cluster.Result noToken = Cluster.cli(List.of("client", "--config", tmp.resolve("c/none.toml").toString(), "--list-nodes"));
        assertThat(noToken.exit()).isEqualTo(2); // missing config file is a usage error naming the path
        assertThat(noToken.err()).contains("Configuration file not found").contains("none.toml");
    }

    @Test void withoutTokenTheClusterIsOpenAsTheOriginal() throws Exception {
        c = Cluster.start(tmp.resolve("c"));
        HostClient anon = new HostClient(c.hostUrl(), "");
        assertThat(anon.send("GET", "/nodes", null, Duration.ofSeconds(5)).statusCode()).isEqualTo(200);
        assertThat(anon.get("/healthz").get("auth_required").asBoolean()).isFalse();
    }
}
