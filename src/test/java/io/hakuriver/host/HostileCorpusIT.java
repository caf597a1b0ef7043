package io.hakuriver.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.testsupport.Cluster;
import io.hakuriver.testsupport.Env;
import io.hakuriver.util.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed and hostile requests to every route of a real Host (at / and /api), of a real Runner, and of the Docker
 * routes: each gets the status class it should (4xx with a JSON detail, never 500) and none of them runs anything.
 * Every request that carries a command would create {@code pwned} in the shared dir if it ran.
 */
class HostileCorpusIT {
    @TempDir Path tmp;
    Cluster c;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final List<String> failures = new ArrayList<>();

    @AfterEach void down() { if (c != null) c.close(); }

    /** One request and the status it must get: an exact code, or a class (4 = any 4xx). */
    record Probe(String method, String path, String body, int expect) {}

    private static Probe p(String method, String path, String body, int expect) { return new Probe(method, path, body, expect); }

    private String pwned() { return c.sharedDir().resolve("pwned").toString(); }

    /** A command that leaves a trace if anything ever runs it. */
    private String touch() { return "\"command\": \"touch\", \"arguments\": [\"" + pwned() + "\"]"; }

    private List<Probe> hostCorpus() {
        String t = touch();
        return List.of(
                // POST /submit: shapes
                p("POST", "/submit", "", 422), p("POST", "/submit", "{", 422), p("POST", "/submit", "[]", 422),
                p("POST", "/submit", "null", 422), p("POST", "/submit", "\"x\"", 422), p("POST", "/submit", "{}", 422),
                p("PUT", "/submit", "{" + t + "}", 405), p("GET", "/submit", null, 405),
                // POST /submit: numbers out of range, never truncated
                p("POST", "/submit", "{" + t + ", \"container_name\": \"NULL\", \"max_running\": 4294967295}", 422),
                p("POST", "/submit", "{" + t + ", \"container_name\": \"NULL\", \"max_running\": 1099511627776}", 422),
                p("POST", "/submit", "{" + t + ", \"container_name\": \"NULL\", \"max_running\": 0}", 422),
                p("POST", "/submit", "{" + t + ", \"container_name\": \"NULL\", \"max_running\": -1}", 422),
                p("POST", "/submit", "{" + t + ", \"container_name\": \"NULL\", \"required_cores\": 1e300}", 422),
                p("POST", "/submit", "{" + t + ", \"container_name\": \"NULL\", \"required_cores\": 4294967296}", 422),
                p("POST", "/submit", "{" + t + ", \"container_name\": \"NULL\", \"required_cores\": -1}", 422),
                p("POST", "/submit", "{" + t + ", \"container_name\": \"NULL\", \"required_cores\": 0.5}", 422),
                p("POST", "/submit", "{" + t + ", \"container_name\": \"NULL\", \"required_memory_bytes\": -1}", 422),
                p("POST", "/submit", "{" + t + ", \"container_name\": \"NULL\", \"required_memory_bytes\": 99999999999999999999}", 422),
                p("POST", "/submit", "{" + t + ", \"container_name\": \"NULL\", \"targets\": [\"n1:1099511627776\"]}", 422),
                p("POST", "/submit", "{" + t + ", \"container_name\": \"NULL\", \"targets\": [\"n1:4294967296\"]}", 422),
                // POST /submit: names and types
                p("POST", "/submit", "{" + t + ", \"container_name\": \"NULL\", \"targets\": [\"n1\\u0000\"]}", 422),
                p("POST", "/submit", "{" + t + ", \"container_name\": \"NULL\", \"targets\": [\"../n1\"]}", 422),
                p("POST", "/submit", "{" + t + ", \"container_name\": \"NULL\", \"targets\": \"n1\"}", 422),
                p("POST", "/submit", "{" + t + ", \"container_name\": \"NULL\", \"env_vars\": {\"A\": 1}}", 422),
                p("POST", "/submit", "{" + t + ", \"container_name\": \"NULL\", \"env_vars\": {\"A=B\": \"1\"}}", 422),
                p("POST", "/submit", "{" + t + ", \"container_name\": \"NULL\", \"env_vars\": {\"\": \"1\"}}", 422),
                p("POST", "/submit", "{" + t + ", \"container_name\": \"NULL\", \"arguments\": [[\"x\"]]}", 422),
                p("POST", "/submit", "{\"command\": \"\", \"container_name\": \"NULL\"}", 422),
                p("POST", "/submit", "{\"command\": 7, \"container_name\": \"NULL\"}", 422),
                p("POST", "/submit", "{" + t + ", \"container_name\": \"../../etc\"}", 422),
                p("POST", "/submit", "{" + t + ", \"container_name\": \"x\", \"privileged\": true}", 422),
                p("POST", "/submit", "{" + t + ", \"container_name\": \"x\", \"additional_mounts\": [\"/:/host\"]}", 422),
                p("POST", "/submit", "{" + t + ", \"container_name\": \"x\", \"additional_mounts\": [\"/var/run/docker.sock:/s\"]}", 422),
                p("POST", "/submit", "{" + t + ", \"container_name\": \"NULL\", \"argument_sets\": []}", 422),
                p("POST", "/submit", "{" + t + ", \"container_name\": \"NULL\", \"argument_sets\": [\"x\"]}", 422),
                // runner-facing routes
                p("POST", "/register", "{}", 422), p("POST", "/register", "{", 422),
                p("POST", "/register", register("\"numa_topology\": {\"0\": {\"cores\": [0], \"memory_bytes\": -1}}"), 422),
                p("POST", "/register", register("\"numa_topology\": {\"1099511627776\": {\"cores\": [0], \"memory_bytes\": 1}}"), 422),
                p("POST", "/register", register("\"numa_topology\": {\"0\": {\"cores\": [4294967296], \"memory_bytes\": 1}}"), 422),
                p("POST", "/register", register("\"numa_topology\": {\"0\": {\"cores\": [-1], \"memory_bytes\": 1}}"), 422),
                p("POST", "/register", register("\"numa_topology\": \"x\""), 422),
                p("POST", "/register", register("\"max_tasks\": 4294967296"), 422),
                p("POST", "/register", "{\"hostname\": \"evil\", \"total_cores\": 1, \"total_ram_bytes\": -1, \"runner_url\": \"http://127.0.0.1:1\"}", 422),
                p("POST", "/register", "{\"hostname\": \"evil\", \"total_cores\": 1e300, \"total_ram_bytes\": 1, \"runner_url\": \"http://127.0.0.1:1\"}", 422),
                p("POST", "/register", "{\"hostname\": \"evil\", \"total_cores\": 1, \"total_ram_bytes\": 1, \"runner_url\": \"file:///etc/passwd\"}", 422),
                p("POST", "/register", "{\"hostname\": \"../evil\", \"total_cores\": 1, \"total_ram_bytes\": 1, \"runner_url\": \"http://127.0.0.1:1\"}", 422),
                p("PUT", "/heartbeat/n1", "{\"running_tasks\": [9999999999999999999]}", 422),
                p("PUT", "/heartbeat/n1", "{\"running_tasks\": [\"9999999999999999999\"]}", 422),
                p("PUT", "/heartbeat/n1", "{\"running_tasks\": [-1]}", 422),
                p("PUT", "/heartbeat/n1", "{\"running_tasks\": [1e300]}", 422),
                p("PUT", "/heartbeat/n1", "{\"running_tasks\": \"x\"}", 422),
                p("PUT", "/heartbeat/n1", "{\"running_tasks\": [], \"paused_tasks\": [99999999999999999999]}", 422),
                p("PUT", "/heartbeat/n1", "{\"running_tasks\": [], \"killed_tasks\": [{\"task_id\": 99999999999999999999}]}", 422),
                p("PUT", "/heartbeat/n1", "{\"running_tasks\": [], \"killed_tasks\": [{\"task_id\": -5}]}", 422),
                p("PUT", "/heartbeat/n1", "{\"running_tasks\": [], \"killed_tasks\": \"x\"}", 422),
                p("PUT", "/heartbeat/n1", "{\"running_tasks\": [], \"cpu_percent\": \"x\"}", 422),
                p("PUT", "/heartbeat/n1", "{\"running_tasks\": [], \"cpu_percent\": 1e400}", 422),
                p("PUT", "/heartbeat/n1", "{\"running_tasks\": [], \"memory_used_bytes\": -1}", 422),
                p("PUT", "/heartbeat/n1", "{\"running_tasks\": [], \"memory_total_bytes\": 1e300}", 422),
                p("PUT", "/heartbeat/n1", "[]", 422), p("PUT", "/heartbeat/n1", "{", 422),
                p("PUT", "/heartbeat/nosuch", "{\"running_tasks\": []}", 404),
                p("POST", "/update", "{}", 422), p("POST", "/update", "{\"task_id\": 1e300, \"status\": \"completed\"}", 422),
                p("POST", "/update", "{\"task_id\": -1, \"status\": \"completed\"}", 422),
                p("POST", "/update", "{\"task_id\": 1, \"status\": \"pwned\"}", 422),
                p("POST", "/update", "{\"task_id\": 1, \"status\": \"completed\", \"exit_code\": 4294967296}", 422),
                p("POST", "/update", "{\"task_id\": 1, \"status\": \"completed\", \"started_at\": \"yesterday\"}", 422),
                p("POST", "/update", "{\"task_id\": 1, \"status\": \"completed\"}", 404),
                p("POST", "/updates", "{\"updates\": \"x\"}", 422), p("POST", "/updates", "{}", 422),
                // client routes
                p("GET", "/status/abc", null, 422), p("GET", "/status/-1", null, 422),
                p("GET", "/status/99999999999999999999", null, 422), p("GET", "/status/1e3", null, 422), p("GET", "/status/1", null, 404),
                p("POST", "/kill/abc", null, 422), p("POST", "/kill/-1", null, 422), p("POST", "/kill/1", null, 404),
                p("GET", "/kill/1", null, 405),
                p("POST", "/command/abc/pause", null, 422), p("POST", "/command/1/pause", null, 404),
                p("POST", "/command/1/rm", null, 4),
                p("GET", "/task/abc/stdout", null, 422), p("GET", "/task/1/stderr", null, 404),
                p("GET", "/task/1/stdout?offset=-1", null, 4), p("GET", "/task/../../etc/passwd/stdout", null, 4),
                p("GET", "/tasks?limit=0", null, 422), p("GET", "/tasks?limit=1e300", null, 422),
                p("GET", "/tasks?limit=4294967296", null, 422), p("GET", "/tasks?offset=-5", null, 422),
                p("GET", "/tasks?batch_id=abc", null, 422), p("GET", "/tasks?batch_id=99999999999999999999", null, 422),
                p("GET", "/tasks?status=pwned", null, 422),
                p("GET", "/batches/abc", null, 422), p("GET", "/batches/1", null, 404), p("POST", "/batches/abc/kill", null, 422),
                p("POST", "/batches/1/kill", null, 404),
                p("GET", "/nosuch", null, 404), p("DELETE", "/nodes", null, 405));
    }

    private static String register(String extra) {
        return "{\"hostname\": \"evil\", \"total_cores\": 1, \"total_ram_bytes\": 1, \"runner_url\": \"http://127.0.0.1:1\", " + extra + "}";
    }

    private List<Probe> runnerCorpus() {
        String t = touch();
        return List.of(
                p("POST", "/run", "", 422), p("POST", "/run", "{", 400), p("POST", "/run", "[]", 422), p("POST", "/run", "{}", 422),
                p("GET", "/run", null, 405), p("POST", "/nosuch", "{}", 404),
                p("POST", "/run", "{\"task_id\": 0, " + t + "}", 422),
                p("POST", "/run", "{\"task_id\": -1, " + t + "}", 422),
                p("POST", "/run", "{\"task_id\": 1e300, " + t + "}", 422),
                p("POST", "/run", "{\"task_id\": 9223372036854775808, " + t + "}", 422),
                p("POST", "/run", "{\"task_id\": \"abc\", " + t + "}", 422),
                p("POST", "/run", "{\"task_id\": 77, " + t + ", \"required_cores\": 1099511627776}", 422),
                p("POST", "/run", "{\"task_id\": 77, " + t + ", \"required_cores\": -1}", 422),
                p("POST", "/run", "{\"task_id\": 77, " + t + ", \"required_cores\": 100000}", 422), // more than the node has
                p("POST", "/run", "{\"task_id\": 77, " + t + ", \"required_memory_bytes\": -1}", 422),
                p("POST", "/run", "{\"task_id\": 77, " + t + ", \"required_memory_bytes\": 1152921504606846976}", 422),
                p("POST", "/run", "{\"task_id\": 77, " + t + ", \"target_numa_node_id\": 1099511627776}", 422),
                p("POST", "/run", "{\"task_id\": 77, " + t + ", \"target_numa_node_id\": 4000}", 422), // not a zone here
                p("POST", "/run", "{\"task_id\": 77, " + t + ", \"env_vars\": {\"A\": 1}}", 422),
                p("POST", "/run", "{\"task_id\": 77, " + t + ", \"arguments\": \"x\"}", 422),
                p("POST", "/run", "{\"task_id\": 77, " + t + ", \"hostname\": \"other\"}", 421),
                p("POST", "/run", "{\"task_id\": 77, " + t + ", \"docker_image_name\": \"hakuriver/x:base\", \"docker_privileged\": true}", 422),
                p("POST", "/run", "{\"task_id\": 77, " + t + ", \"docker_image_name\": \"hakuriver/x:base\", \"docker_additional_mounts\": [\"/:/host\"]}", 422),
                p("POST", "/run", "{\"task_id\": 77, " + t + ", \"docker_image_name\": \"hakuriver/x:base\", \"docker_additional_mounts\": [\"/etc:/x\"]}", 422),
                p("POST", "/run", "{\"task_id\": 77, " + t + ", \"docker_image_name\": \"hakuriver/x:base\", \"docker_additional_mounts\": [\"relative:/x\"]}", 422),
                p("POST", "/kill", "{}", 400), p("POST", "/kill", "{\"task_id\": -1}", 422), p("POST", "/kill", "{\"task_id\": 1e300}", 422),
                p("POST", "/kill", "{\"task_id\": \"x\"}", 422), p("POST", "/kill", "{", 400),
                p("POST", "/pause", "{\"task_id\": 99999999999999999999}", 422), p("POST", "/resume", "{\"task_id\": -7}", 422),
                p("POST", "/pause", "{\"task_id\": 5}", 404), p("GET", "/kill", null, 405),
                // batched starts: what is wrong with the batch itself is one 4xx with a detail
                p("POST", "/runs", "{", 400), p("POST", "/runs", "{}", 422), p("POST", "/runs", "[]", 422),
                p("POST", "/runs", "{\"tasks\": \"x\"}", 422), p("POST", "/runs", "{\"tasks\": []}", 422),
                p("POST", "/runs", "{\"tasks\": [" + ("{\"task_id\": 1, " + t + "},").repeat(256) + "{\"task_id\": 2, " + t + "}]}", 422),
                p("GET", "/runs", null, 405));
    }

    /** Hostile starts inside a /runs batch: each gets the 4xx /run would give it, and none runs. */
    private void hostileBatch(String runnerUrl) throws Exception {
        String t = touch();
        List<String> items = List.of("{\"task_id\": 0, " + t + "}", "{\"task_id\": -1, " + t + "}", "{\"task_id\": 1e300, " + t + "}",
                "{\"task_id\": 78, " + t + ", \"required_cores\": 100000}", "{\"task_id\": 79, " + t + ", \"env_vars\": {\"A\": 1}}",
                "{\"task_id\": 80, " + t + ", \"hostname\": \"other\"}", "{\"task_id\": 81}", "\"x\"", "17",
                "{\"task_id\": 82, " + t + ", \"docker_image_name\": \"hakuriver/x:base\", \"docker_privileged\": true}");
        HttpResponse<String> r = send(runnerUrl, p("POST", "/runs", "{\"tasks\": [" + String.join(",", items) + "]}", 200));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode results = Json.tree(r.body()).get("results");
        assertThat(results).hasSize(items.size());
        for (int i = 0; i < items.size(); i++) {
            assertThat(results.get(i).get("status").asInt() / 100).as("%s -> %s", items.get(i), results.get(i)).isEqualTo(4);
            assertThat(results.get(i).path("body").has("detail")).as("%s", results.get(i)).isTrue();
        }
    }

    private HttpResponse<String> send(String base, Probe pr) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pr.path())).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json");
        HttpRequest.BodyPublisher body = pr.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(pr.body());
        if (pr.body() != null) b.header("Content-Type", "application/json");
        return http.send(b.method(pr.method(), body).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void run(String base, List<Probe> corpus) throws Exception {
        for (Probe pr : corpus) {
            HttpResponse<String> r = send(base, pr);
            int s = r.statusCode();
            boolean ok = pr.expect() < 10 ? s / 100 == pr.expect() : s == pr.expect();
            String detail = "";
            try {
                JsonNode j = Json.tree(r.body());
                if (!j.has("detail")) ok = false;
                detail = j.path("detail").toString();
            } catch (RuntimeException notJson) {
                ok = false;
                detail = "not JSON: " + r.body();
            }
            if (!ok) failures.add(pr.method() + " " + base + pr.path() + " " + pr.body() + " -> " + s + " " + detail + " (expected " + pr.expect() + ")");
        }
    }

    private void assertNothingRan(int tasksBefore) throws Exception {
        assertThat(failures).as("probes that did not get the answer they should").isEmpty();
        Thread.sleep(1500); // anything accepted by mistake would have started by now
        assertThat(Files.exists(Path.of(pwned()))).as("a refused request ran its command").isFalse();
        HttpResponse<String> tasks = c.client().send("GET", "/tasks", null, Duration.ofSeconds(10));
        assertThat(tasks.headers().firstValue("X-Total-Count")).as("tasks stored").contains(String.valueOf(tasksBefore));
        JsonNode health = c.client().get("/nodes");
        assertThat(health).hasSize(1); // no node registered by a hostile /register
        JsonNode rh = new io.hakuriver.client.HostClient(c.runner("n1").url(), "").get("/health");
        assertThat(rh.get("running")).as("runner tasks").isEmpty();
        assertThat(rh.get("pending_updates").asInt()).as("runner updates").isZero();
        try (Stream<Path> outs = Files.list(c.sharedDir().resolve("task_outputs"))) {
            assertThat(outs.count()).as("task output files").isEqualTo(tasksBefore);
        }
    }

    @Test @Timeout(300)
    void everyHostAndRunnerRouteRefusesHostileInputWithA4xxAndRunsNothing() throws Exception {
        c = Cluster.start(tmp.resolve("c"));
        c.addRunner("n1", null);
        c.awaitOnline(1);
        run(c.hostUrl(), hostCorpus());
        run(c.hostUrl() + "/api", hostCorpus());
        run(c.runner("n1").url(), runnerCorpus());
        hostileBatch(c.runner("n1").url());
        assertNothingRan(0);
        // no token and the default bind address 0.0.0.0: the Runner says so, as the Host does for its own
        assertThat(Files.readString(c.dir.resolve("runner-n1.log")))
                .contains("No [security] token is set and the Runner listens on 0.0.0.0");
    }

    @Test @Timeout(300)
    void dockerRoutesRefuseHostileInputWithA4xx() throws Exception {
        Env.requireDocker();
        c = Cluster.start(tmp.resolve("c"));
        c.addRunner("n1", null);
        c.awaitOnline(1);
        List<Probe> docker = List.of(
                p("POST", "/docker/host/create", "{}", 422), p("POST", "/docker/host/create", "{", 4),
                p("POST", "/docker/host/create", "{\"image_name\": \"hakuriver-test/not-there:1\", \"container_name\": \"hostile-nope\"}", 404),
                p("POST", "/docker/host/create", "{\"image_name\": \"x;rm -rf /\", \"container_name\": \"hostile-nope\"}", 400),
                p("POST", "/docker/host/create", "{\"image_name\": \"hakuriver-test/busybox:1\", \"container_name\": \"../x\"}", 400),
                p("POST", "/docker/host/create", "{\"image_name\": \"hakuriver-test/busybox:1\", \"container_name\": \"-rf\"}", 400),
                p("POST", "/docker/host/start/-rf", null, 400), p("POST", "/docker/host/stop/hostile-nope", null, 404),
                p("POST", "/docker/host/delete/hostile-nope", null, 404), p("POST", "/docker/create_tar/hostile-nope", null, 404),
                p("POST", "/docker/create_tar/..", null, 4), p("DELETE", "/docker/tar/hostile-nope/abc", null, 4),
                p("DELETE", "/docker/tar/hostile-nope/99999999999999999999", null, 4), p("GET", "/docker/host/create", null, 405));
        run(c.hostUrl(), docker);
        run(c.hostUrl() + "/api", docker);
        assertNothingRan(0);
        assertThat(Env.run("docker", "inspect", "hostile-nope")).as("no container was created").isNotZero();
    }
}
