package io.hakuriver.store;

import java.util.List;

/** Optional filters of GET /tasks. All null = every task (the original's behaviour). */
public record TaskFilter(List<String> statuses, String node, Long batchId, String text, Integer limit, Integer offset) {
    public static TaskFilter all() { return new TaskFilter(null, null, null, null, null, null); }

    String where(List<Object> args, Dialect d) {
        StringBuilder w = new StringBuilder();
        if (statuses != null && !statuses.isEmpty()) {
            w.append("status IN (").append("?,".repeat(statuses.size()), 0, statuses.size() * 2 - 1).append(')');
            args.addAll(statuses);
        }
        if (node != null) { and(w).append("assigned_node_id = ?"); args.add(node); }
        if (batchId != null) { and(w).append("batch_id = ?"); args.add(batchId); }
        if (text != null && !text.isBlank()) {
            String like = d.like();
            and(w).append("(command " + like + " ? ESCAPE '\\' OR arguments " + like + " ? ESCAPE '\\' OR CAST(task_id AS TEXT) " + like + " ? ESCAPE '\\')");
            String pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
            args.add(pattern); args.add(pattern); args.add(pattern);
        }
        return w.toString();
    }

    private static StringBuilder and(StringBuilder w) { return w.isEmpty() ? w : w.append(" AND "); }
}
