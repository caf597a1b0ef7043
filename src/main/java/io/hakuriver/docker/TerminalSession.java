package io.hakuriver.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hakuriver.util.Json;
import io.javalin.websocket.WsContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * One WebSocket terminal (spec 3.4): an interactive {@code exec} with a TTY in a running environment container.
 * Client frames {@code {"type":"input","data":..}} go to the TTY, {@code {"type":"resize","rows":..,"cols":..}}
 * resize it; TTY output goes back as {@code {"type":"output","data":..}} (UTF-8 decoded across chunk borders).
 * When the browser or CLI disconnects the shell is hung up (SIGHUP), not left behind (C32).
 */
public final class TerminalSession {
    private static final Logger LOG = LoggerFactory.getLogger(TerminalSession.class);
    private static final Duration CALL = Duration.ofSeconds(15);

    private final DockerEngine engine;
    private final WsContext ws;
    private final String container;
    private volatile String execId;
    private volatile DockerEngine.Stream stream;
    private volatile boolean closed;

    private TerminalSession(DockerEngine engine, WsContext ws, String container) {
        this.engine = engine;
        this.ws = ws;
        this.container = container;
    }

    /**
     * Opens the session, or sends an error frame and closes the socket (1008 for a bad/unknown/stopped container,
     * 1011 for Docker trouble). Returns null when the session could not be opened.
     */
    public static TerminalSession open(EnvironmentService envs, WsContext ws, String name) {
        TerminalSession t = new TerminalSession(envs.engine(), ws, name);
        try {
            if (!EnvironmentNames.isValid(name)) { t.fail("Invalid container name '" + name + "'.", 1008); return null; }
            DockerEngine.Response r = t.engine.call("GET", "/containers/" + name + "/json", null, CALL);
            if (r.status() == 404) { t.fail("Container '" + name + "' not found.", 1008); return null; }
            if (!r.ok()) { t.fail("Docker error: " + DockerApiException.from(r.status(), r.text(), "inspect").engineMessage(), 1011); return null; }
            JsonNode c = r.json();
            boolean managed = c.path("Config").path("Labels").has(EnvironmentService.LABEL_ENVIRONMENT)
                    || !envs.store().versions(name).isEmpty();
            if (!managed) { t.fail("Container '" + name + "' is not a HakuRiver environment (create it with `hakuriver.docker create-container`).", 1008); return null; }
            if (!c.path("State").path("Running").asBoolean()) {
                t.fail("Container '" + name + "' is not running (status: " + c.path("State").path("Status").asText() + ").", 1008);
                return null;
            }
            String shell = t.exists("/bin/bash") ? "/bin/bash" : t.exists("/bin/sh") ? "/bin/sh" : null;
            if (shell == null) { t.fail("No suitable shell found in container.", 1011); return null; }
            t.start(shell);
            return t;
        } catch (DockerUnavailableException e) {
            t.fail("Docker connection error: " + e.getMessage(), 1011);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Terminal for {} failed to open", name, e);
            t.fail("Terminal error: " + e.getMessage(), 1011);
        }
        return null;
    }

    /** Asks the engine whether a path exists in the container (no helper program needed inside it). */
    private boolean exists(String path) throws IOException {
        return engine.call("HEAD", "/containers/" + container + "/archive?path=" + DockerEngine.q(path), null, CALL).status() == 200;
    }

    private void start(String shell) throws IOException {
        ObjectNode exec = Json.MAPPER.createObjectNode();
        exec.put("AttachStdin", true).put("AttachStdout", true).put("AttachStderr", true).put("Tty", true);
        exec.putArray("Cmd").add(shell);
        exec.putArray("Env").add("TERM=xterm-256color");
        execId = engine.expect("POST", "/containers/" + container + "/exec", exec, CALL).path("Id").asText();
        ObjectNode startBody = Json.MAPPER.createObjectNode().put("Detach", false).put("Tty", true);
        stream = engine.hijack("/exec/" + execId + "/start", startBody);
        send("output", "Terminal connected.\r\n");
        Thread pump = new Thread(this::pumpOutput, "terminal-" + container);
        pump.setDaemon(true);
        pump.start();
    }

    private void pumpOutput() {
        Utf8StreamDecoder dec = new Utf8StreamDecoder();
        byte[] buf = new byte[4096];
        try {
            InputStream in = stream.body();
            int n;
            while ((n = in.read(buf)) > 0) {
                String s = dec.decode(buf, 0, n);
                if (!s.isEmpty()) send("output", s);
            }
            String rest = dec.finish();
            if (!rest.isEmpty()) send("output", rest);
        } catch (IOException e) {
            if (!closed) LOG.debug("terminal output of {} ended: {}", container, e.getMessage());
        }
        // The shell ended (exit / Ctrl+D): close the WebSocket normally.
        if (!closed) {
            closed = true;
            try { ws.closeSession(1000, "Shell exited"); } catch (RuntimeException ignored) { }
            stream.close();
        }
    }

    /** Handles one client frame. */
    public void onMessage(String text) {
        JsonNode msg;
        try { msg = Json.tree(text); } catch (IllegalArgumentException notJson) { return; }
        if (!msg.isObject()) return;
        if (!msg.has("type")) { close(); return; } // the original's behaviour: a frame without "type" ends the session
        String type = msg.path("type").asText();
        try {
            if (type.equals("input")) {
                String data = msg.path("data").asText("");
                if (!data.isEmpty()) {
                    stream.out().write(data.getBytes(StandardCharsets.UTF_8));
                    stream.out().flush();
                }
            } else if (type.equals("resize")) {
                int rows = msg.path("rows").asInt(0), cols = msg.path("cols").asInt(0);
                if (rows > 0 && cols > 0)
                    engine.call("POST", "/exec/" + execId + "/resize?h=" + rows + "&w=" + cols, null, CALL);
            }
        } catch (IOException e) {
            send("error", "Terminal write failed: " + e.getMessage());
            close();
        }
    }

    /** Client went away (or asked to end): hang up the shell and release the connection. */
    public void close() {
        if (closed) return;
        closed = true;
        hangUp();
        if (stream != null) stream.close();
        try { ws.closeSession(1000, "Terminal closed"); } catch (RuntimeException ignored) { }
    }

    /**
     * Closing the attach connection does not end an exec'd shell, so find its PID and send SIGHUP: directly when the
     * Host may signal it, otherwise through a second exec of {@code kill} inside the container (PID from NSpid).
     */
    private void hangUp() {
        if (execId == null) return;
        try {
            JsonNode info = engine.expect("GET", "/exec/" + execId + "/json", null, CALL);
            if (!info.path("Running").asBoolean()) return;
            long pid = info.path("Pid").asLong(0);
            if (pid <= 0) return;
            String inner = nsPid(pid);
            if (inner != null) {
                ObjectNode exec = Json.MAPPER.createObjectNode().put("AttachStdout", false).put("AttachStderr", false);
                exec.putArray("Cmd").add("kill").add("-HUP").add(inner);
                String id = engine.expect("POST", "/containers/" + container + "/exec", exec, CALL).path("Id").asText();
                engine.call("POST", "/exec/" + id + "/start", Json.MAPPER.createObjectNode().put("Detach", true), CALL);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Could not hang up the shell of {}: {}", container, e.getMessage());
        }
    }

    /** The PID inside the container's namespace of a host PID (last field of NSpid in /proc/PID/status). */
    static String nsPid(long hostPid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + hostPid + "/status"))) {
                if (line.startsWith("NSpid:")) {
                    String[] f = line.substring(6).trim().split("\\s+");
                    return f[f.length - 1];
                }
            }
        } catch (IOException ignored) { }
        return null;
    }

    private void fail(String message, int code) {
        send("error", message);
        closed = true;
        try { ws.closeSession(code, message.length() > 100 ? message.substring(0, 100) : message); } catch (RuntimeException ignored) { }
    }

    private void send(String type, String data) {
        synchronized (ws) { // one writer at a time per WebSocket
            try { ws.send(Json.write(Map.of("type", type, "data", data))); }
            catch (RuntimeException e) { LOG.debug("terminal send failed: {}", e.getMessage()); }
        }
    }
}
