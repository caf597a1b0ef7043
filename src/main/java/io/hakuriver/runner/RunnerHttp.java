package io.hakuriver.runner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hakuriver.api.InvalidBody;
import io.hakuriver.api.WireJson;
import io.hakuriver.http.ApiException;
import io.hakuriver.http.Auth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Runner's HTTP server, on the JDK's {@code com.sun.net.httpserver}: a few exact routes with JSON bodies, no
 * web framework (Jetty and Javalin would cost the Runner most of its memory). Every answer is JSON, errors are
 * {@code {"detail": …}}: 400 malformed JSON, 401 token, 404 unknown route, 405 method, 413 body too large,
 * 422 validation, 500. Requests run on a small bounded pool; when its queue is full the accepting thread runs the
 * request itself, which slows accepting down instead of queueing without bound.
 */
final class RunnerHttp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RunnerHttp.class);
    static final int THREADS = 4;
    static final int QUEUE = 64;
    /**
     * Connections held at once (more are closed at accept: a Host keeps far fewer in flight). Idle keep-alive
     * connections (~16 KiB of buffers each) may be as many: the JDK server closes a connection that would exceed the
     * idle limit right after answering, without "Connection: close", and a client reusing it at that moment loses
     * its next request.
     */
    static final int MAX_CONNECTIONS = 128;
    /** Seconds a client may take to send its request, or to take our answer: a stalled peer cannot hold a thread. */
    static final int MAX_EXCHANGE_SECONDS = 30;

    /** What a route answers. */
    record Response(int status, Object body, Map<String, String> headers) {
        static Response ok(Object body) { return new Response(200, body, Map.of()); }
        static Response error(int status, Object detail) { return new Response(status, Map.of("detail", detail), Map.of()); }
    }

    /** A route's handler; {@code body} is the parsed JSON body (a missing node for GET), {@code bytes} its size. */
    interface Route { Response handle(Object body, long bytes) throws Exception; }

    private final HttpServer server;
    private final ThreadPoolExecutor pool;
    private final Auth auth;
    private final long maxBody;
    private final Map<String, Map<String, Route>> routes = new LinkedHashMap<>();
    /**
     * Request bodies being read or handled, in KiB, at most one body of the maximum size: four threads each parsing
     * a maximal body would need several times a small Runner's heap. Fair, so a large body is not starved by small ones.
     */
    private final Semaphore bodyKiB;

    RunnerHttp(String bindIp, int port, Auth auth, long maxBody) throws IOException {
        this.auth = auth;
        this.maxBody = maxBody;
        this.bodyKiB = new Semaphore(kib(maxBody), true);
        // read once, when the JDK server's configuration class loads: set before the first server is created
        defaultProperty("jdk.httpserver.maxConnections", MAX_CONNECTIONS);
        defaultProperty("sun.net.httpserver.maxIdleConnections", MAX_CONNECTIONS);
        defaultProperty("sun.net.httpserver.maxReqTime", MAX_EXCHANGE_SECONDS);
        defaultProperty("sun.net.httpserver.maxRspTime", MAX_EXCHANGE_SECONDS);
        // TCP_NODELAY: the JDK server writes headers and body separately; with Nagle every answer to the Host
        // waited for a delayed ACK (up to 40 ms), which capped a burst at a few hundred tasks/s
        defaultProperty("sun.net.httpserver.nodelay", "true");
        InetSocketAddress addr = new InetSocketAddress(bindIp, port);
        try {
            this.server = HttpServer.create(addr, 128);
        } catch (BindException e) {
            throw new IllegalStateException("cannot listen on " + bindIp + ":" + port + " (" + e.getMessage()
                    + "): another process (or a systemd .socket unit) holds the port", e);
        }
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE),
                r -> Fatal.thread(r, "runner-http-" + n.incrementAndGet()), new ThreadPoolExecutor.CallerRunsPolicy());
        server.setExecutor(pool);
        server.createContext("/", this::exchange);
    }

    private static void defaultProperty(String name, Object value) {
        if (System.getProperty(name) == null) System.setProperty(name, String.valueOf(value));
    }

    RunnerHttp get(String path, Route r) { return route("GET", path, r); }
    RunnerHttp post(String path, Route r) { return route("POST", path, r); }

    private RunnerHttp route(String method, String path, Route r) {
        routes.computeIfAbsent(path, p -> new LinkedHashMap<>()).put(method, r);
        return this;
    }

    void start() { server.start(); }

    int port() { return server.getAddress().getPort(); }

    private void exchange(HttpExchange ex) {
        try (ex) {
            Response r;
            try {
                r = dispatch(ex);
            } catch (ApiException e) {
                r = Response.error(e.status, e.detail);
            } catch (InvalidBody e) { // a body that is not its wire record
                r = Response.error(422, ApiException.invalid(e).detail);
            } catch (IOException e) {
                throw e; // the client went away while we read its request
            } catch (Exception e) {
                log.error("unexpected error on {} {}", ex.getRequestMethod(), ex.getRequestURI().getPath(), e);
                r = Response.error(500, "Internal error: " + e);
            }
            write(ex, r);
        } catch (IOException e) {
            log.debug("{} {}: connection closed by the client: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString());
        } catch (Error e) {
            Fatal.exit("HTTP " + ex.getRequestMethod() + " " + ex.getRequestURI().getPath(), e);
        }
    }

    private Response dispatch(HttpExchange ex) throws Exception {
        String path = ex.getRequestURI().getPath();
        if (auth.enabled() && !path.equals("/healthz") && !auth.accepts(Auth.bearer(ex.getRequestHeaders().getFirst("Authorization")))) {
            return Response.error(401, "Missing or invalid token: the Host must send 'Authorization: Bearer <token>'.");
        }
        Map<String, Route> byMethod = routes.get(path);
        if (byMethod == null) return Response.error(404, "Not Found");
        Route route = byMethod.get(ex.getRequestMethod());
        if (route == null) {
            return new Response(405, Map.of("detail", "Method Not Allowed"), Map.of("Allow", String.join(", ", byMethod.keySet())));
        }
        if (ex.getRequestMethod().equals("GET")) return route.handle(WireJson.ABSENT, 0);
        long declared = declaredLength(ex);
        int permits = kib(declared < 0 ? maxBody : declared); // an undeclared (chunked) length may reach the limit
        if (!bodyKiB.tryAcquire(permits, 2, TimeUnit.SECONDS)) {
            return new Response(429, Map.of("detail", "Runner is busy reading other large requests; send this one again later."),
                    Map.of("Retry-After", "1"));
        }
        try {
            byte[] body = readBody(ex);
            Object json;
            try {
                json = body.length == 0 ? WireJson.ABSENT : WireJson.parse(body);
            } catch (JsonProcessingException e) {
                return Response.error(400, "Malformed JSON: " + e.getOriginalMessage());
            }
            return route.handle(json, body.length);
        } finally {
            bodyKiB.release(permits);
        }
    }

    private static int kib(long bytes) { return (int) Math.max(1, (bytes + 1023) / 1024); }

    /** The declared Content-Length, -1 when none; over the limit is refused with 413 before anything is read. */
    private long declaredLength(HttpExchange ex) {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared == null) return -1;
        long n;
        try {
            n = Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("Invalid Content-Length '" + declared + "'.");
        }
        if (n > maxBody) throw tooLarge();
        return n;
    }

    /** The body; a streamed one is refused with 413 once it passes the limit. */
    private byte[] readBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes((int) maxBody + 1);
            if (b.length > maxBody) throw tooLarge();
            return b;
        }
    }

    private ApiException tooLarge() {
        return new ApiException(413, "Request body is larger than the limit of " + maxBody / (1024 * 1024) + " MiB (" + maxBody + " bytes).");
    }

    private static void write(HttpExchange ex, Response r) throws IOException {
        byte[] out = WireJson.bytes(r.body());
        ex.getResponseHeaders().set("Content-Type", "application/json");
        r.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        ex.sendResponseHeaders(r.status(), out.length);
        try (OutputStream os = ex.getResponseBody()) { os.write(out); }
    }

    /** Stops accepting, lets requests in progress finish for up to a second, then stops the pool. */
    @Override public void close() {
        server.stop(1);
        pool.shutdown();
    }
}
