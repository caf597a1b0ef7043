package io.hakuriver.docker;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.api.WireJson;
import io.hakuriver.util.Json;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A small client for the Docker Engine HTTP API over the daemon's UNIX socket (JDK 16+ UNIX-domain channels;
 * {@code tcp://} also works). One connection per request with {@code Connection: close}: a UNIX-socket connect
 * costs microseconds, and it keeps the HTTP handling trivial.
 *
 * <p>Why the Engine API and not the {@code docker} CLI: no process is forked per call (the per-task hot path makes
 * six calls), errors come back as HTTP status codes (404 = no such container) instead of stderr text to parse, and
 * an interactive exec with a TTY (the terminal) is impossible through the CLI without a local TTY. Why not
 * docker-java: it adds a dozen jars and its own HTTP stack for the ~15 endpoints used here.
 */
public final class DockerEngine {
    private static final ScheduledExecutorService WATCHDOG = watchdog();

    /** Aborts calls that overrun; its thread ends after a quiet minute (a Runner without Docker tasks pings once). */
    private static ScheduledExecutorService watchdog() {
        java.util.concurrent.ScheduledThreadPoolExecutor e = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "docker-api-timeouts");
            t.setDaemon(true);
            return t;
        });
        e.setKeepAliveTime(60, TimeUnit.SECONDS);
        e.allowCoreThreadTimeOut(true);
        e.setRemoveOnCancelPolicy(true); // a call that ended in time takes its watchdog entry with it
        return e;
    }

    private final String endpoint;
    private final SocketAddress address;
    private final String hostHeader;

    /** Uses $DOCKER_HOST when set (unix:// or tcp://), else /var/run/docker.sock. */
    public DockerEngine() { this(defaultEndpoint()); }

    public DockerEngine(String endpoint) {
        this.endpoint = endpoint;
        if (endpoint.startsWith("unix://")) {
            this.address = UnixDomainSocketAddress.of(endpoint.substring("unix://".length()));
            this.hostHeader = "docker";
        } else if (endpoint.startsWith("tcp://") || endpoint.startsWith("http://")) {
            URI u = URI.create(endpoint.replaceFirst("^tcp://", "http://"));
            this.address = new InetSocketAddress(u.getHost(), u.getPort() > 0 ? u.getPort() : 2375);
            this.hostHeader = u.getHost();
        } else {
            throw new IllegalArgumentException("Unsupported Docker endpoint '" + endpoint + "': use unix:///path or tcp://host:port");
        }
    }

    public static String defaultEndpoint() {
        String env = System.getenv("DOCKER_HOST");
        return env != null && !env.isBlank() ? env.trim() : "unix:///var/run/docker.sock";
    }

    public String endpoint() { return endpoint; }

    /** URL-encodes one query value. */
    public static String q(String v) { return URLEncoder.encode(v, StandardCharsets.UTF_8); }

    /** A complete (buffered) answer. */
    public record Response(int status, byte[] body) {
        public String text() { return new String(body, StandardCharsets.UTF_8); }
        public JsonNode json() { return body.length == 0 ? Json.MAPPER.nullNode() : Json.tree(text()); }
        /** The body as plain values ({@link WireJson}), without databind: what the Runner reads. */
        public Object value() throws IOException { return body.length == 0 ? null : WireJson.parse(body); }
        public boolean ok() { return status >= 200 && status < 300; }
    }

    /** Sends a request and reads the whole answer; the call is aborted after {@code timeout}. */
    public Response call(String method, String path, Object body, Duration timeout) throws IOException {
        try (Stream s = open(method, path, body == null ? null : bytes(body), "application/json", Map.of(), timeout)) {
            return new Response(s.status(), s.body().readAllBytes());
        }
    }

    /** Like {@link #call} but throws {@link DockerApiException} unless the status is 2xx (or {@code alsoOk}). */
    public JsonNode expect(String method, String path, Object body, Duration timeout, int... alsoOk) throws IOException {
        return checked(call(method, path, body, timeout), method, path, alsoOk).json();
    }

    /** {@link #expect} with the answer as plain values (the Runner's way: no databind). */
    public Object expectValue(String method, String path, Object body, Duration timeout, int... alsoOk) throws IOException {
        return checked(call(method, path, body, timeout), method, path, alsoOk).value();
    }

    private static Response checked(Response r, String method, String path, int... alsoOk) throws DockerApiException {
        if (r.ok()) return r;
        for (int s : alsoOk) if (r.status() == s) return r;
        throw DockerApiException.from(r.status(), r.text(), method + " " + path);
    }

    /** A request body: a databind tree (the Host's environment code), or plain values and records. */
    private static byte[] bytes(Object body) {
        return body instanceof JsonNode n ? Json.bytes(n) : WireJson.bytes(body);
    }

    /** True when the daemon answers /_ping. */
    public boolean ping() {
        try { return call("GET", "/_ping", null, Duration.ofSeconds(3)).ok(); } catch (IOException e) { return false; }
    }

    /**
     * Opens a request whose answer is consumed as a stream (logs, image save/load, pull). {@code timeout} bounds the
     * whole exchange (null = no bound, for follow-streams). The caller must close the stream.
     */
    public Stream open(String method, String path, byte[] body, String contentType, Map<String, String> headers,
                       Duration timeout) throws IOException {
        Stream s = connect(timeout);
        try {
            OutputStream out = s.out;
            out.write(requestHead(method, path, body == null ? -1 : body.length, contentType, headers, false));
            if (body != null) out.write(body);
            out.flush();
            s.readHead();
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            if (s.timedOut) throw new IOException("Docker API " + method + " " + path + " timed out after " + timeout, e);
            throw e;
        }
    }

    /**
     * Sends a request whose body is streamed by {@code writer} (chunked encoding), e.g. a tarball for image load.
     */
    public Stream openUpload(String method, String path, String contentType, BodyWriter writer, Duration timeout) throws IOException {
        Stream s = connect(timeout);
        try {
            s.out.write(requestHead(method, path, -1, contentType, Map.of("Transfer-Encoding", "chunked"), false));
            try (OutputStream chunked = new ChunkedOutputStream(s.out)) { writer.write(chunked); }
            s.out.flush();
            s.readHead();
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            if (s.timedOut) throw new IOException("Docker API " + method + " " + path + " timed out after " + timeout, e);
            throw e;
        }
    }

    /** Streams a request body. */
    @FunctionalInterface
    public interface BodyWriter { void write(OutputStream out) throws IOException; }

    /**
     * Sends a request with {@code Upgrade: tcp} (exec start / attach) and returns the raw two-way stream after the
     * 101 answer: write to {@link Stream#out()}, read from {@link Stream#body()}.
     */
    public Stream hijack(String path, Object body) throws IOException {
        Stream s = connect(Duration.ofSeconds(15));
        try {
            byte[] b = bytes(body);
            s.out.write(requestHead("POST", path, b.length, "application/json", Map.of(), true));
            s.out.write(b);
            s.out.flush();
            s.readHead();
            s.cancelTimeout();
            if (s.status() != 101 && s.status() != 200) {
                String text = new String(s.body().readAllBytes(), StandardCharsets.UTF_8);
                throw DockerApiException.from(s.status(), text, "POST " + path);
            }
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private Stream connect(Duration timeout) throws IOException {
        SocketChannel ch;
        try {
            if (address instanceof UnixDomainSocketAddress u) {
                if (!Files.exists(u.getPath())) throw new DockerUnavailableException("Docker socket " + u.getPath() + " does not exist (is dockerd running?)");
                ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            } else {
                ch = SocketChannel.open();
            }
            ch.connect(address);
        } catch (DockerUnavailableException e) {
            throw e;
        } catch (IOException e) {
            throw new DockerUnavailableException("cannot connect to " + endpoint + ": " + e.getMessage(), e);
        }
        Stream s = new Stream(ch);
        if (timeout != null) s.timeout = WATCHDOG.schedule(s::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
        return s;
    }

    private byte[] requestHead(String method, String path, long length, String contentType, Map<String, String> headers, boolean upgrade) {
        StringBuilder sb = new StringBuilder();
        sb.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        sb.append("Host: ").append(hostHeader).append("\r\n");
        sb.append("User-Agent: hakuriver\r\n");
        if (upgrade) sb.append("Connection: Upgrade\r\nUpgrade: tcp\r\n");
        else sb.append("Connection: close\r\n");
        if (length >= 0) sb.append("Content-Type: ").append(contentType).append("\r\nContent-Length: ").append(length).append("\r\n");
        else if (headers.containsKey("Transfer-Encoding")) sb.append("Content-Type: ").append(contentType).append("\r\n");
        headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** One connection: the answer's status, headers and body stream. */
    public static final class Stream implements Closeable {
        private final SocketChannel channel;
        private final InputStream rawIn;
        private final OutputStream out;
        private int status;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private InputStream body;
        private volatile ScheduledFuture<?> timeout;
        private volatile boolean timedOut;

        Stream(SocketChannel channel) {
            this.channel = channel;
            this.rawIn = new BufferedInputStream(new ChannelIn(channel), 65536);
            this.out = new ChannelOut(channel);
        }

        public int status() { return status; }
        public String header(String name) { return headers.get(name.toLowerCase(Locale.ROOT)); }
        public InputStream body() { return body; }
        public OutputStream out() { return out; }

        /** Half-closes the request direction (EOF on the remote process's stdin). */
        public void shutdownOutput() throws IOException { channel.shutdownOutput(); }

        void cancelTimeout() { ScheduledFuture<?> t = timeout; if (t != null) t.cancel(false); }

        private void expire() { timedOut = true; try { channel.close(); } catch (IOException ignored) { } }

        void readHead() throws IOException {
            String statusLine = readLine();
            if (statusLine == null || !statusLine.startsWith("HTTP/")) throw new IOException("bad answer from Docker: " + statusLine);
            String[] parts = statusLine.split(" ", 3);
            status = Integer.parseInt(parts[1]);
            String line;
            while ((line = readLine()) != null && !line.isEmpty()) {
                int c = line.indexOf(':');
                if (c > 0) headers.put(line.substring(0, c).trim().toLowerCase(Locale.ROOT), line.substring(c + 1).trim());
            }
            String te = header("transfer-encoding");
            String cl = header("content-length");
            if (status == 101) body = rawIn;
            else if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) body = new ChunkedInputStream(rawIn);
            else if (cl != null) body = new BoundedInputStream(rawIn, Long.parseLong(cl));
            else body = rawIn;
        }

        private String readLine() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream(64);
            int c;
            while ((c = rawIn.read()) != -1) {
                if (c == '\n') break;
                if (c != '\r') b.write(c);
            }
            if (c == -1 && b.size() == 0) return null;
            return b.toString(StandardCharsets.ISO_8859_1);
        }

        @Override public void close() {
            cancelTimeout();
            try { channel.close(); } catch (IOException ignored) { }
        }
    }

    /**
     * Stream adapters that call the channel directly. The JDK's Channels.newInputStream/newOutputStream take the
     * channel's blocking lock for every call, so a blocked read (terminal output) would stall every write (input).
     */
    static final class ChannelIn extends InputStream {
        private final SocketChannel ch;
        ChannelIn(SocketChannel ch) { this.ch = ch; }
        @Override public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xff;
        }
        @Override public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            return ch.read(java.nio.ByteBuffer.wrap(b, off, len));
        }
    }

    static final class ChannelOut extends OutputStream {
        private final SocketChannel ch;
        ChannelOut(SocketChannel ch) { this.ch = ch; }
        @Override public void write(int b) throws IOException { write(new byte[]{(byte) b}, 0, 1); }
        @Override public synchronized void write(byte[] b, int off, int len) throws IOException {
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b, off, len);
            while (bb.hasRemaining()) ch.write(bb);
        }
    }

    /** Decodes HTTP/1.1 chunked transfer encoding. */
    static final class ChunkedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;
        private boolean eof;

        ChunkedInputStream(InputStream in) { this.in = in; }

        private boolean nextChunk() throws IOException {
            if (eof) return false;
            if (remaining == 0) {
                String size = line();
                if (size == null) { eof = true; return false; }
                if (size.isEmpty()) size = line(); // CRLF after the previous chunk's data
                if (size == null) { eof = true; return false; }
                int semi = size.indexOf(';');
                remaining = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
                if (remaining == 0) { eof = true; return false; }
            }
            return true;
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') if (c != '\r') sb.append((char) c);
            return c == -1 && sb.length() == 0 ? null : sb.toString();
        }

        @Override public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xff;
        }

        @Override public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (!nextChunk()) return -1;
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n == -1) { eof = true; return -1; }
            remaining -= n;
            return n;
        }
    }

    /** Reads at most {@code limit} bytes (Content-Length bodies). */
    static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long left;

        BoundedInputStream(InputStream in, long limit) { this.in = in; this.left = limit; }

        @Override public int read() throws IOException {
            if (left <= 0) return -1;
            int c = in.read();
            if (c >= 0) left--;
            return c;
        }

        @Override public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) return -1;
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) left -= n;
            return n;
        }
    }

    /** Writes HTTP/1.1 chunks; close() writes the final zero chunk but leaves the socket open. */
    static final class ChunkedOutputStream extends OutputStream {
        private final OutputStream out;
        private final byte[] buf = new byte[64 * 1024];
        private int n;

        ChunkedOutputStream(OutputStream out) { this.out = out; }

        @Override public void write(int b) throws IOException { if (n == buf.length) flushChunk(); buf[n++] = (byte) b; }

        @Override public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (n == buf.length) flushChunk();
                int k = Math.min(len, buf.length - n);
                System.arraycopy(b, off, buf, n, k);
                n += k; off += k; len -= k;
            }
        }

        private void flushChunk() throws IOException {
            if (n == 0) return;
            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(buf, 0, n);
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            n = 0;
        }

        @Override public void close() throws IOException {
            flushChunk();
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
    }

    /** Path of the UNIX socket, when this engine uses one. */
    public Path socketPath() {
        return address instanceof UnixDomainSocketAddress u ? u.getPath() : null;
    }
}
