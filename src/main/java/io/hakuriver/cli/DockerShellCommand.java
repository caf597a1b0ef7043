package io.hakuriver.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.config.ConfigOption;
import io.hakuriver.docker.EnvironmentNames;
import io.hakuriver.docker.HostApiClient;
import io.hakuriver.docker.Utf8StreamDecoder;
import io.hakuriver.util.ExitCodes;
import io.hakuriver.util.Json;
import io.hakuriver.util.UsageError;
import io.hakuriver.util.VersionProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * {@code hakuriver.docker-shell NAME}: an interactive shell in a Host environment container over the Host's
 * WebSocket terminal (spec 3.4/9.3). On a terminal the local TTY is put in raw mode (every key, Ctrl+C and Ctrl+D
 * included, goes to the remote shell) and window size changes are sent as {@code resize}; the TTY is restored on
 * exit. Exits 0 when the remote shell ends, 1 on connection errors or error frames.
 */
@Command(name = "docker-shell", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Open an interactive shell in a Host environment container (exit the shell to leave).")
public class DockerShellCommand implements java.util.concurrent.Callable<Integer> {
    @Mixin ConfigOption config;
    @Parameters(paramLabel = "CONTAINER_NAME") String container;

    private final CompletableFuture<Integer> finished = new CompletableFuture<>();
    private volatile boolean sawError;

    @Override public Integer call() throws Exception {
        try { EnvironmentNames.validate(container); } catch (IllegalArgumentException e) { throw new UsageError(e.getMessage()); }
        HostApiClient client = new HostApiClient(config.load());
        PrintStream out = System.out;
        WebSocket ws;
        try {
            WebSocket.Builder b = client.http().newWebSocketBuilder();
            if (!client.token().isEmpty()) b.header("Authorization", "Bearer " + client.token());
            ws = b.buildAsync(client.wsUri("/docker/host/containers/" + container + "/terminal"), new Listener(out)).get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            String why = c instanceof java.net.http.WebSocketHandshakeException h
                    ? "the Host answered HTTP " + h.getResponse().statusCode() + (h.getResponse().statusCode() == 401 ? " (check [security] token)" : "")
                    : c instanceof java.net.ConnectException ? "cannot connect (is hakuriver.host running? check network.host_reachable_address/host_port)"
                    : c.getMessage() != null ? c.getMessage() : c.toString();
            System.err.println("Error: cannot open the terminal at " + client.wsUri("/docker/host/containers/" + container + "/terminal") + ": " + why);
            return ExitCodes.FAILURE;
        }
        Tty tty = Tty.detect();
        Runtime.getRuntime().addShutdownHook(new Thread(tty::restore));
        try {
            tty.raw();
            System.err.print("Connected to " + container + ". Leave with `exit` or Ctrl+D.\r\n");
            tty.size().ifPresent(rc -> send(ws, Map.of("type", "resize", "rows", rc[0], "cols", rc[1])));
            Thread input = new Thread(() -> pumpInput(ws, System.in), "stdin");
            input.setDaemon(true);
            input.start();
            if (tty.interactive()) {
                Thread resize = new Thread(() -> watchSize(ws, tty), "resize");
                resize.setDaemon(true);
                resize.start();
            }
            int code = finished.get();
            return code;
        } finally {
            tty.restore();
            System.err.print("\r\nDisconnected.\r\n");
        }
    }

    private void pumpInput(WebSocket ws, InputStream in) {
        Utf8StreamDecoder dec = new Utf8StreamDecoder();
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) > 0 && !finished.isDone()) {
                String s = dec.decode(buf, 0, n);
                if (!s.isEmpty()) send(ws, Map.of("type", "input", "data", s));
            }
            // End of (piped) input: Ctrl+D at the remote TTY ends the shell like the end of a script would.
            if (!finished.isDone()) send(ws, Map.of("type", "input", "data", "\u0004"));
        } catch (Exception e) {
            if (!finished.isDone()) finished.complete(ExitCodes.FAILURE);
        }
    }

    /** java.net.http.WebSocket allows one outstanding send: input and resize take turns. */
    private synchronized void send(WebSocket ws, Map<String, Object> message) {
        ws.sendText(Json.write(message), true).join();
    }

    private void watchSize(WebSocket ws, Tty tty) {
        int[] last = tty.size().orElse(null);
        while (!finished.isDone()) {
            try { Thread.sleep(500); } catch (InterruptedException e) { return; }
            int[] now = tty.size().orElse(null);
            if (now != null && (last == null || now[0] != last[0] || now[1] != last[1])) {
                try { send(ws, Map.of("type", "resize", "rows", now[0], "cols", now[1])); } catch (RuntimeException e) { return; }
                last = now;
            }
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final PrintStream out;
        private final StringBuilder partial = new StringBuilder();

        Listener(PrintStream out) { this.out = out; }

        @Override public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    JsonNode m = Json.tree(text);
                    String d = m.path("data").asText("");
                    if ("output".equals(m.path("type").asText())) {
                        byte[] bytes = d.getBytes(StandardCharsets.UTF_8);
                        out.write(bytes, 0, bytes.length);
                        out.flush();
                    } else if ("error".equals(m.path("type").asText())) {
                        sawError = true;
                        System.err.print("ERROR: " + d + "\r\n");
                    }
                } catch (RuntimeException ignored) { /* not JSON: ignore, as the protocol says */ }
            }
            ws.request(1);
            return null;
        }

        @Override public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            finished.complete(status == WebSocket.NORMAL_CLOSURE && !sawError ? ExitCodes.OK : ExitCodes.FAILURE);
            return null;
        }

        @Override public void onError(WebSocket ws, Throwable error) {
            System.err.print("ERROR: connection lost: " + error.getMessage() + "\r\n");
            finished.complete(ExitCodes.FAILURE);
        }
    }

    /** The controlling terminal, driven with stty (argv only, reading from /dev/tty). */
    static final class Tty {
        private final boolean interactive;
        private String saved;

        private Tty(boolean interactive) { this.interactive = interactive; }

        static Tty detect() { return new Tty(System.console() != null && new File("/dev/tty").canRead()); }

        boolean interactive() { return interactive; }

        void raw() {
            if (!interactive) return;
            saved = stty(List.of("-g"));
            stty(List.of("raw", "-echo"));
        }

        synchronized void restore() {
            if (saved != null) { stty(List.of(saved)); saved = null; }
        }

        java.util.Optional<int[]> size() {
            if (!interactive) return java.util.Optional.empty();
            String s = stty(List.of("size"));
            if (s == null) return java.util.Optional.empty();
            String[] f = s.trim().split("\\s+");
            try { return java.util.Optional.of(new int[]{Integer.parseInt(f[0]), Integer.parseInt(f[1])}); }
            catch (RuntimeException e) { return java.util.Optional.empty(); }
        }

        private static String stty(List<String> args) {
            try {
                List<String> argv = new java.util.ArrayList<>();
                argv.add("stty");
                argv.addAll(args);
                Process p = new ProcessBuilder(argv).redirectInput(new File("/dev/tty")).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                p.getInputStream().transferTo(b);
                return p.waitFor() == 0 ? b.toString(StandardCharsets.UTF_8).trim() : null;
            } catch (Exception e) {
                return null;
            }
        }
    }
}
