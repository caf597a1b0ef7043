package io.hakuriver.runner;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.http.Limits;
import io.hakuriver.testsupport.Cluster;
import io.hakuriver.testsupport.Env;
import io.hakuriver.util.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Runner's HTTP server answers every request with JSON, errors as {"detail": …}, never an HTML page: checked
 * byte by byte over a raw socket against a real Runner process (no Jetty or Javalin class loaded in it).
 */
class RunnerHttpIT {
    static final String TOKEN = "s3cret";
    @TempDir Path tmp;
    Cluster c;

    @AfterEach void down() { if (c != null) c.close(); }

    /** One HTTP/1.1 exchange on its own connection; returns status line + headers + body as received. */
    record Raw(int status, String head, String body) {
        JsonNode json() { return Json.tree(body); }
    }

    static Raw raw(int port, String request, byte[] body) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) out.write(body);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) throw new AssertionError("connection closed after: " + head);
                head.write(b);
            }
            String h = head.toString(StandardCharsets.ISO_8859_1);
            // read exactly the announced body: after a 413 the server may still be reading what we did not send
            java.util.regex.Matcher len = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(h);
            assertThat(len.find()).as(h).isTrue();
            String bodyText = new String(in.readNBytes(Integer.parseInt(len.group(1))), StandardCharsets.UTF_8);
            return new Raw(Integer.parseInt(h.substring(9, 12)), h.strip(), bodyText);
        }
    }

    static Raw post(int port, String path, String token, String json) throws Exception {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return raw(port, "POST " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "Content-Length: " + b.length + "\r\n\r\n", b);
    }

    static void assertJsonDetail(Raw r, int status) {
        assertThat(r.status()).as(r.head() + "\n" + r.body()).isEqualTo(status);
        assertThat(r.head().toLowerCase()).contains("content-type: application/json");
        assertThat(r.body()).doesNotContain("<html").doesNotContain("<HTML");
        assertThat(r.json().has("detail")).as(r.body()).isTrue();
    }

    @Test void errorsAreJsonDetailsNeverHtml() throws Exception {
        c = Cluster.start(tmp.resolve("c"), TOKEN, null);
        int port = c.addRunner("n1", null).port;
        c.awaitOnline(1);

        Raw malformed = post(port, "/run", TOKEN, "{\"task_id\": 1, \"command\": ");
        assertJsonDetail(malformed, 400);
        assertThat(malformed.json().get("detail").asText()).startsWith("Malformed JSON");

        // a body over the limit is refused from its declared length, before it is read
        long big = Limits.MAX_TASK_BODY_BYTES + 1;
        Raw huge = raw(port, "POST /run HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nAuthorization: Bearer "
                + TOKEN + "\r\nContent-Length: " + big + "\r\n\r\n", "{\"task_id\": 1, \"command\": \"".getBytes(StandardCharsets.UTF_8));
        assertJsonDetail(huge, 413);
        assertThat(huge.json().get("detail").asText()).contains("larger than the limit of 4 MiB");
        // ...and so is one without a declared length (chunked), once it passes the limit
        Raw chunked = raw(port, "POST /run HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nAuthorization: Bearer "
                + TOKEN + "\r\nTransfer-Encoding: chunked\r\n\r\n", chunked(big));
        assertJsonDetail(chunked, 413);

        Raw unknown = raw(port, "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n", null);
        assertJsonDetail(unknown, 404);
        assertThat(unknown.json().get("detail").asText()).isEqualTo("Not Found");

        Raw method = raw(port, "GET /run HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n", null);
        assertJsonDetail(method, 405);
        assertThat(method.head()).containsIgnoringCase("allow: POST");

        Raw noToken = post(port, "/run", null, "{}");
        assertJsonDetail(noToken, 401);
        assertThat(raw(port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", null).status()).isEqualTo(200);
        assertJsonDetail(raw(port, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", null), 401);

        Raw invalid = post(port, "/run", TOKEN, "{\"task_id\": \"x\"}");
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.json().get("detail").toString()).contains("task_id").contains("command").contains("Field required");
        assertJsonDetail(post(port, "/run", TOKEN, ""), 422);
        assertJsonDetail(post(port, "/kill", TOKEN, "[1]"), 422);

        // a /run meant for another node is refused and not run; unknown fields are ignored as before
        Path marker = c.sharedDir().resolve("ran-421");
        Raw wrong = post(port, "/run", TOKEN, "{\"task_id\": 421, \"command\": \"touch\", \"arguments\": [\"" + marker + "\"], \"hostname\": \"n2\"}");
        assertJsonDetail(wrong, 421);
        assertThat(wrong.json().get("detail").asText()).isEqualTo("This runner is 'n1', not 'n2'");
        Raw right = post(port, "/run", TOKEN, "{\"task_id\": 422, \"command\": \"echo\", \"arguments\": [\"hi\"], \"hostname\": \"n1\","
                + " \"stdout_path\": \"x\", \"some_future_field\": {\"a\": 1}, \"docker_image_name\": \"\"}");
        assertThat(right.status()).as(right.body()).isEqualTo(200);
        assertThat(right.body()).isEqualTo("{\"message\":\"Task accepted for launch\",\"task_id\":422}");
        Path out = c.sharedDir().resolve("task_outputs/422.out");
        Cluster.await(Duration.ofSeconds(20), "task 422 ran", () -> Files.exists(out) && Files.readString(out).equals("hi\n"));
        assertThat(marker).doesNotExist();
        String sleeper = "{\"task_id\": 423, \"command\": \"sleep\", \"arguments\": [\"30\"]}";
        assertThat(post(port, "/run", TOKEN, sleeper).status()).isEqualTo(200);
        assertJsonDetail(post(port, "/run", TOKEN, sleeper), 409);
        assertThat(post(port, "/kill", TOKEN, "{\"task_id\": 423}").status()).isEqualTo(200);

        // several starts in one request: one answer per task, in order, each what /run would have said
        assertThat(post(port, "/run", TOKEN, sleeper.replace("423", "433")).status()).isEqualTo(200);
        Raw batch = post(port, "/runs", TOKEN, "{\"tasks\": [{\"task_id\": 430, \"command\": \"echo\", \"arguments\": [\"batched\"]},"
                + " {\"task_id\": 433, \"command\": \"sleep\", \"arguments\": [\"30\"]}, {\"task_id\": 431}, {\"task_id\": 432, \"command\": \"touch\","
                + " \"arguments\": [\"" + marker + "\"], \"hostname\": \"n2\"}, 7]}");
        assertThat(batch.status()).as(batch.body()).isEqualTo(200);
        JsonNode results = batch.json().get("results");
        assertThat(results).hasSize(5);
        assertThat(results.get(0).get("task_id").asLong()).isEqualTo(430);
        assertThat(results.get(0).get("status").asInt()).isEqualTo(200);
        assertThat(results.get(1).get("status").asInt()).as("already running here").isEqualTo(409);
        assertThat(results.get(2).get("status").asInt()).isEqualTo(422);
        assertThat(results.get(2).get("body").get("detail").toString()).contains("command");
        assertThat(results.get(3).get("status").asInt()).isEqualTo(421);
        assertThat(results.get(4).get("status").asInt()).isEqualTo(422);
        assertThat(results.get(4).get("task_id").isNull()).isTrue();
        Path batched = c.sharedDir().resolve("task_outputs/430.out");
        Cluster.await(Duration.ofSeconds(20), "task 430 ran", () -> Files.exists(batched) && Files.readString(batched).equals("batched\n"));
        assertThat(marker).doesNotExist();
        assertThat(post(port, "/kill", TOKEN, "{\"task_id\": 433}").status()).isEqualTo(200);
        assertJsonDetail(post(port, "/runs", TOKEN, "{\"tasks\": []}"), 422);
        assertJsonDetail(post(port, "/runs", null, "{\"tasks\": []}"), 401);

        assertNoJettyLoaded(c.runner("n1").process().pid());
    }

    private static byte[] chunked(long total) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) ' ');
        for (long sent = 0; sent < total; sent += chunk.length) {
            b.writeBytes((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            b.writeBytes(chunk);
            b.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        b.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return b.toByteArray();
    }

    /** The Runner's memory budget has no room for a web framework: its loaded classes, as listed by jcmd. */
    private static void assertNoJettyLoaded(long pid) throws Exception {
        Path jcmd = Env.javaBin().resolveSibling("jcmd");
        Env.require(Files.isExecutable(jcmd), "jcmd (a JDK, not only a JRE)");
        Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), "VM.class_hierarchy").redirectErrorStream(true).start();
        String classes = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(classes).contains("io.hakuriver.runner.RunnerHttp");
        assertThat(classes).doesNotContain("org.eclipse.jetty").doesNotContain("io.javalin");
    }
}
