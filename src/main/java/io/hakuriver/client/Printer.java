package io.hakuriver.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.config.MemorySize;
import io.hakuriver.util.Json;
import io.hakuriver.util.Times;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Human-readable tables and task summaries for the client. */
public final class Printer {
    private Printer() {}

    public static void json(PrintStream out, JsonNode n) { out.println(Json.pretty(n)); }

    /** Columns two spaces apart; no line ends in padding (the last column is not padded). */
    public static void table(PrintStream out, List<String> header, List<List<String>> rows) {
        int[] w = new int[header.size()];
        for (int i = 0; i < w.length; i++) w[i] = header.get(i).length();
        for (List<String> r : rows) for (int i = 0; i < w.length; i++) w[i] = Math.max(w[i], r.get(i) == null ? 1 : r.get(i).length());
        out.println(row(header, w));
        for (List<String> r : rows) out.println(row(r, w));
    }

    private static String row(List<String> cells, int[] w) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < w.length; i++) {
            String c = cells.get(i) == null ? "-" : cells.get(i);
            sb.append(c);
            if (i < w.length - 1) sb.append(" ".repeat(w[i] - c.length() + 2));
        }
        return sb.toString().stripTrailing();
    }

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** An API timestamp (UTC, microseconds) as this machine's local time to the second; unparsable text unchanged. */
    public static String time(JsonNode n) {
        String s = text(n);
        if (s.equals("-")) return s;
        try {
            return LOCAL.format(Times.parse(s).atZone(ZoneId.systemDefault()));
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    static String text(JsonNode n) { return n == null || n.isNull() ? "-" : n.asText(); }

    public static void task(PrintStream out, JsonNode t) {
        out.println("Task " + text(t.get("task_id")) + "  [" + text(t.get("status")) + "]");
        List<String> args = new ArrayList<>();
        t.path("arguments").forEach(a -> args.add(a.asText()));
        out.println("  command:    " + text(t.get("command")) + (args.isEmpty() ? "" : " " + String.join(" ", args)));
        out.println("  node:       " + text(t.get("assigned_node")) + (t.path("target_numa_node_id").isNull() ? "" : " (NUMA " + t.get("target_numa_node_id").asText() + ")"));
        out.println("  container:  " + text(t.get("container_name")));
        long mem = t.path("required_memory_bytes").asLong(0);
        out.println("  resources:  " + Style.count(t.path("required_cores").asInt(), "core") + (mem > 0 ? ", " + MemorySize.format(mem) : ""));
        String gpus = gpus(t);
        if (gpus != null) out.println("  gpus:       " + gpus);
        if (!t.path("batch_id").isNull() && !t.path("batch_id").asText().equals(t.path("task_id").asText())) out.println("  batch:      " + text(t.get("batch_id")));
        out.println("  submitted:  " + time(t.get("submitted_at")));
        out.println("  started:    " + time(t.get("started_at")));
        out.println("  completed:  " + time(t.get("completed_at")));
        out.println("  exit code:  " + text(t.get("exit_code")));
        if (!t.path("error_message").isNull()) out.println("  message:    " + text(t.get("error_message")));
        out.println("  stdout:     " + text(t.get("stdout_path")));
        out.println("  stderr:     " + text(t.get("stderr_path")));
        if (t.path("priority").asInt(0) != 0) out.println("  priority:   " + t.get("priority").asText());
        if (t.path("depends_on").isArray()) {
            List<String> deps = new ArrayList<>();
            t.get("depends_on").forEach(d -> deps.add(d.asText()));
            out.println("  after:      " + String.join(", ", deps) + ("after_any".equals(t.path("dependency_mode").asText()) ? " (any outcome)" : " (must complete)"));
        }
        if (t.path("retries").asInt(0) > 0) out.println("  attempt:    " + t.path("attempt").asInt(1) + " of " + (t.path("retries").asInt() + 1));
        for (JsonNode a : t.path("attempts")) {
            out.println("  attempt " + a.path("attempt").asText() + ":  " + text(a.get("status")) + " on " + text(a.get("node"))
                    + (a.path("exit_code").isNull() ? "" : " (exit code " + a.get("exit_code").asText() + ")")
                    + ", " + time(a.get("started_at")) + " - " + time(a.get("completed_at"))
                    + "; logs: hakuriver.client logs " + text(t.get("task_id")) + " --attempt " + a.path("attempt").asText());
        }
        if (t.path("waiting_reason").isTextual()) out.println("  waiting:    " + t.get("waiting_reason").asText());
        if (t.path("events").size() > 0) {
            out.println("  history:");
            for (JsonNode e : t.get("events")) {
                out.println("    " + time(e.get("at")) + "  " + text(e.get("event")) + (e.path("detail").isTextual() ? "  " + e.get("detail").asText() : ""));
            }
        }
    }

    /**
     * A task's GPUs in one phrase: the ids it holds (or held), else what it asks for; null for a task without GPUs
     * (or from a Host that does not know GPUs).
     */
    static String gpus(JsonNode t) {
        int count = t.path("gpu_count").asInt(0);
        if (count <= 0) return null;
        String share = t.path("gpu_share").asBoolean(false) ? " (shared)" : "";
        JsonNode held = t.path("assigned_gpus");
        if (held.isArray() && !held.isEmpty()) return ids(held) + share;
        JsonNode named = t.path("required_gpus");
        if (named.isArray() && !named.isEmpty()) return ids(named) + " (requested)" + share;
        return "any " + count + " (requested)" + share;
    }

    private static String ids(JsonNode arr) {
        List<String> l = new ArrayList<>();
        arr.forEach(n -> l.add(n.asText()));
        return String.join(",", l);
    }

    public static void tasks(PrintStream out, JsonNode list) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode t : list) {
            List<String> args = new ArrayList<>();
            t.path("arguments").forEach(a -> args.add(a.asText()));
            String cmd = text(t.get("command")) + (args.isEmpty() ? "" : " " + String.join(" ", args));
            if (cmd.length() > 48) cmd = cmd.substring(0, 45) + "...";
            String gpus = gpus(t);
            rows.add(List.of(text(t.get("task_id")), text(t.get("status")), text(t.get("assigned_node")),
                    String.valueOf(t.path("required_cores").asInt()), gpus == null ? "-" : gpus.replace(" (requested)", "?"),
                    text(t.get("exit_code")), time(t.get("submitted_at")), cmd));
        }
        table(out, List.of("TASK ID", "STATUS", "NODE", "CORES", "GPUS", "EXIT", "SUBMITTED", "COMMAND"), rows);
    }

    public static void nodes(PrintStream out, JsonNode list) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode n : list) {
            int numa = n.path("numa_topology").isObject() ? n.path("numa_topology").size() : 0;
            long memTotal = n.path("memory_total_bytes").asLong(0), memRes = n.path("memory_in_use_bytes").asLong(0);
            int gpuTotal = n.path("gpus_total").asInt(0);
            String status = text(n.get("status")) + (n.path("drain_state").isTextual() ? " (" + n.get("drain_state").asText() + ")" : "");
            rows.add(List.of(text(n.get("hostname")), status, text(n.get("cores_in_use")) + "/" + text(n.get("total_cores")),
                    memTotal == 0 ? "-" : MemorySize.format(memRes) + "/" + MemorySize.format(memTotal),
                    gpuTotal == 0 ? "-" : (gpuTotal - n.path("gpus_free").asInt(0)) + "/" + gpuTotal,
                    n.path("cpu_percent").isNull() ? "-" : n.get("cpu_percent").asText() + "%",
                    String.valueOf(numa), text(n.get("url")), time(n.get("last_heartbeat"))));
        }
        table(out, List.of("NODE", "STATUS", "CORES USED", "MEM RESERVED", "GPUS USED", "CPU", "NUMA", "URL", "LAST HEARTBEAT"), rows);
        gpuTable(out, list);
    }

    /**
     * Every GPU of the cluster, one line each: id, model, memory used/total, utilisation, temperature and who holds
     * it (with the share count on nodes that share GPUs); then why nodes without GPUs have none. Nothing when no node
     * reported GPU facts.
     */
    public static void gpuTable(PrintStream out, JsonNode nodes) {
        List<List<String>> rows = new ArrayList<>();
        List<String> without = new ArrayList<>();
        for (JsonNode n : nodes) {
            int shares = n.path("gpu_shares_per_gpu").asInt(1);
            for (JsonNode g : n.path("gpu_info")) {
                double used = g.path("memory_used_mib").asDouble(-1), total = g.path("memory_total_mib").asDouble(-1);
                List<String> holders = new ArrayList<>();
                g.path("holders").forEach(h -> holders.add(h.asText()));
                String held = holders.isEmpty() ? "free" : String.join(",", holders);
                if (shares > 1 && !g.path("exclusive").asBoolean(false)) held += " (" + g.path("shares_used").asInt(0) + "/" + shares + " shares)";
                rows.add(List.of(text(n.get("hostname")), g.path("gpu_id").asText(), g.path("name").asText("").isEmpty() ? "-" : g.path("name").asText(),
                        (used < 0 ? "?" : Math.round(used) + "") + "/" + (total < 0 ? "?" : Math.round(total) + "") + " MiB",
                        g.path("gpu_utilization").asInt(-1) < 0 ? "-" : g.path("gpu_utilization").asInt() + "%",
                        g.path("temperature").asInt(-1) < 0 ? "-" : g.path("temperature").asInt() + "C", held));
            }
            if (n.path("gpu_info").isEmpty() && n.path("gpu_error").isTextual()) without.add(n.path("hostname").asText() + ": " + n.path("gpu_error").asText());
        }
        if (rows.isEmpty() && without.isEmpty()) return;
        out.println();
        if (!rows.isEmpty()) table(out, List.of("NODE", "GPU", "NAME", "MEMORY", "UTIL", "TEMP", "HELD BY"), rows);
        for (String w : without) out.println("no GPUs on " + w);
    }
}
