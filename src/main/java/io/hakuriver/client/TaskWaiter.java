package io.hakuriver.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.cli.ExitCodes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * --wait: polls the tasks until all are final. On a terminal it shows one live status line; at the end a summary.
 * Exit code: the task's own exit code for a single task (1 when killed/lost/OOM without a code), else 0 when every
 * task completed and 1 otherwise.
 */
public final class TaskWaiter {
    static final Set<String> FINAL = Set.of("completed", "failed", "killed", "killed_oom", "lost");

    private final HostClient client;
    private final long pollMs;
    private final boolean human;

    public TaskWaiter(HostClient client, long pollMs, boolean human) {
        this.client = client;
        this.pollMs = Math.max(100, pollMs);
        this.human = human;
    }

    public int waitFor(List<String> ids) throws InterruptedException {
        boolean tty = System.console() != null && human;
        long t0 = System.currentTimeMillis();
        Map<String, JsonNode> last = new LinkedHashMap<>();
        while (true) {
            boolean allFinal = true;
            Map<String, Integer> counts = new java.util.TreeMap<>();
            for (String id : ids) {
                JsonNode prev = last.get(id);
                if (prev != null && FINAL.contains(prev.path("status").asText())) { counts.merge(prev.path("status").asText(), 1, Integer::sum); continue; }
                JsonNode t = client.get("/status/" + id);
                last.put(id, t);
                String s = t.path("status").asText();
                counts.merge(s, 1, Integer::sum);
                if (!FINAL.contains(s)) allFinal = false;
            }
            if (tty) {
                StringBuilder sb = new StringBuilder("\r[" + (System.currentTimeMillis() - t0) / 1000 + "s]");
                counts.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
                System.out.print(sb + "\u001b[K");
                System.out.flush();
            }
            if (allFinal) break;
            Thread.sleep(pollMs);
        }
        if (tty) System.out.println();
        int code = ExitCodes.OK;
        for (JsonNode t : last.values()) {
            String s = t.path("status").asText();
            if (human) {
                System.out.println("Task " + t.path("task_id").asText() + ": " + s
                        + (t.path("exit_code").isNull() ? "" : " (exit code " + t.path("exit_code").asText() + ")")
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
