package io.hakuriver.http;

import io.hakuriver.api.WireJson;

import java.util.List;
import java.util.Map;

/**
 * What the other side said in an error answer: its JSON {@code detail} (a 422's list of problems as one line,
 * "task_id: Field required; command: Field required"), else its text without markup, shortened.
 */
public final class ErrorDetail {
    private ErrorDetail() {}

    public static String of(String body) {
        if (body == null || body.isBlank()) return "(no detail)";
        try {
            if (WireJson.parse(body) instanceof Map<?, ?> m && m.containsKey("detail")) {
                Object d = m.get("detail");
                if (d instanceof String s) return s;
                if (d instanceof List<?> l && !l.isEmpty()) return validation(l);
                return WireJson.write(d);
            }
        } catch (java.io.IOException | RuntimeException ignored) {
            // not JSON: an HTML error page from a proxy or an old server
        }
        String text = body.replaceAll("(?s)<(script|style).*?</\\1>", " ").replaceAll("<[^>]*>", " ")
                .replaceAll("&[a-z]+;", " ").replaceAll("\\s+", " ").trim();
        if (text.isEmpty()) text = "(no detail)";
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    /** A 422 detail in the original's shape, [{"loc": ["body", "task_id"], "msg": "..."}], as plain words. */
    private static String validation(List<?> errors) {
        StringBuilder sb = new StringBuilder();
        for (Object e : errors) {
            if (!(e instanceof Map<?, ?> m) || !(m.get("msg") instanceof String msg)) return WireJson.write(errors); // not that shape after all
            StringBuilder field = new StringBuilder();
            for (Object part : m.get("loc") instanceof List<?> loc ? loc : List.of()) {
                String p = part instanceof String s ? s : WireJson.write(part);
                if (p.equals("body") && field.length() == 0) continue;
                if (field.length() > 0) field.append('.');
                field.append(p);
            }
            if (sb.length() > 0) sb.append("; ");
            if (field.length() > 0) sb.append(field).append(": ");
            sb.append(msg);
        }
        return sb.toString();
    }
}
