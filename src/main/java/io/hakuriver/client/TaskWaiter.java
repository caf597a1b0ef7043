package io.hakuriver.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.util.ExitCodes;

import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * --wait: polls the tasks until all are final, through a {@link PatientHost} (a Host restart is ridden out).
 * On a terminal, one task: its state and node as they change, with the elapsed time, and its stdout/stderr as they
 * come (like srun); several tasks: one live line of counts. Elsewhere: only the summary. Ctrl-C says that the
 * task keeps running and how to follow or kill it.
 * Exit code: the task's own exit code for a single task (1 when killed/lost/OOM without a code), else 0 when every
 * task completed and 1 otherwise.
 */
public final class TaskWaiter {
    static final Set<String> FINAL = Set.of("completed", "failed", "killed", "killed_oom", "lost");

    private final PatientHost host;
    private final long pollMs;
    private final boolean human;
    private final Style style;
    private final PrintStream out = System.out, err = System.err;
    private final long t0 = System.currentTimeMillis();

    public TaskWaiter(HostClient client, long pollMs, boolean human) {
        this(new PatientHost(client, RetryPolicy.standard(), System.err), pollMs, human, Style.detect(!human));
    }

    public TaskWaiter(PatientHost host, long pollMs, boolean human, Style style) {
        this.host = host;
        this.pollMs = Math.max(100, pollMs);
        this.human = human;
        this.style = style;
    }

    public int waitFor(List<String> ids) throws InterruptedException {
        Thread hint = new Thread(() -> err.println(System.lineSeparator() + "Stopped waiting; " + (ids.size() == 1
                ? "task " + ids.get(0) + " keeps running. Follow it: hakuriver.client logs " + ids.get(0) + " --follow   kill it: hakuriver.client kill " + ids.get(0)
                : "the tasks keep running. See them: hakuriver.client tasks   kill one: hakuriver.client kill ID")), "wait-interrupted-hint");
        Runtime.getRuntime().addShutdownHook(hint);
        try {
            Map<String, JsonNode> last = style.terminal() && ids.size() == 1 ? followOne(ids.get(0)) : pollAll(ids);
            return summary(ids, last);
        } finally {
            try { Runtime.getRuntime().removeShutdownHook(hint); } catch (IllegalStateException shuttingDown) { /* hook runs */ }
        }
    }

    private Map<String, JsonNode> pollAll(List<String> ids) throws InterruptedException {
        Map<String, JsonNode> last = new LinkedHashMap<>();
        while (true) {
            boolean allFinal = true;
            Map<String, Integer> counts = new TreeMap<>();
            for (String id : ids) {
                JsonNode prev = last.get(id);
                JsonNode t = prev != null && FINAL.contains(prev.path("status").asText()) ? prev : host.get("/status/" + id);
                last.put(id, t);
                String s = t.path("status").asText();
                counts.merge(s, 1, Integer::sum);
                if (!FINAL.contains(s)) allFinal = false;
            }
            if (style.terminal()) {
                StringBuilder sb = new StringBuilder("\r" + style.dim("[" + elapsed() + "]"));
                counts.forEach((k, v) -> sb.append(' ').append(style.state(k)).append('=').append(v));
                err.print(sb + "\u001b[K");
                err.flush();
            }
            if (allFinal) break;
            Thread.sleep(pollMs);
        }
        if (style.terminal()) err.println();
        return last;
    }

    /** One task on a terminal: state changes on stderr, its output as it comes. */
    private Map<String, JsonNode> followOne(String id) throws InterruptedException {
        long[] offsets = {0, 0};
        String shown = null;
        JsonNode t;
        while (true) {
            t = host.get("/status/" + id);
            String s = t.path("status").asText();
            String node = t.path("assigned_node").isNull() ? null : t.path("assigned_node").asText();
            String now = s + "@" + node;
            if (!now.equals(shown)) {
                shown = now;
                if (!FINAL.contains(s)) err.println(style.dim("[" + elapsed() + "] task " + id + " ") + style.state(s) + (node == null ? "" : " on " + node));
            }
            offsets[0] = copy(id, "stdout", offsets[0], out);
            offsets[1] = copy(id, "stderr", offsets[1], err);
            if (FINAL.contains(s)) break;
            Thread.sleep(pollMs);
        }
        Map<String, JsonNode> m = new LinkedHashMap<>();
        m.put(id, t);
        return m;
    }

    /** Prints the log bytes from {@code offset} on; returns the new offset. */
    private long copy(String id, String which, long offset, PrintStream to) throws InterruptedException {
        return host.call(() -> {
            HttpResponse<InputStream> r = host.client().stream("/task/" + id + "/" + which + "?offset=" + offset);
            if (r == null) return offset;
            try (InputStream in = r.body()) {
                long n = in.transferTo(to);
                to.flush();
                return r.headers().firstValueAsLong("X-Next-Offset").orElse(offset + n);
            } catch (java.io.IOException e) {
                throw new HostUnavailable("reading the " + which + " of task " + id + " failed: " + e.getMessage(), e);
            }
        });
    }

    private String elapsed() {
        long ms = System.currentTimeMillis() - t0;
        return ms < 60_000 ? String.format("%.1fs", ms / 1000.0) : String.format("%dm%02ds", ms / 60_000, ms / 1000 % 60);
    }

    private int summary(List<String> ids, Map<String, JsonNode> last) {
        int code = ExitCodes.OK;
        for (JsonNode t : last.values()) {
            String s = t.path("status").asText();
            if (human) {
                String node = t.path("assigned_node").isNull() ? "" : " on " + t.path("assigned_node").asText();
                out.println("Task " + t.path("task_id").asText() + ": " + style.state(s) + node
                        + (t.path("exit_code").isNull() ? "" : " (exit code " + t.path("exit_code").asText() + ")")
                        + (style.terminal() ? " after " + elapsed() : "")
                        + (t.path("error_message").isNull() || s.equals("completed") ? "" : " - " + t.path("error_message").asText()));
            }
            if (!s.equals("completed")) code = ExitCodes.FAILURE;
        }
        if (ids.size() == 1) {
            JsonNode t = last.values().iterator().next();
            if (t.path("status").asText().equals("completed")) return 0;
            int ec = t.path("exit_code").asInt(1);
            return ec > 0 && ec < 256 ? ec : ExitCodes.FAILURE;
        }
        return code;
    }
}
