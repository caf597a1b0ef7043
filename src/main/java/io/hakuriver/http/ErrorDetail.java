package io.hakuriver.http;

import io.hakuriver.util.Json;

/**
 * What the other side said in an error answer: its JSON {@code detail} (a 422's list of problems as one line,
 * "task_id: Field required; command: Field required"), else its text without markup, shortened.
 */
public final class ErrorDetail {
    private ErrorDetail() {}

    public static String of(String body) {
        if (body == null || body.isBlank()) return "(no detail)";
        try {
            var n = Json.tree(body);
            if (n != null && n.has("detail")) {
                var d = n.get("detail");
                if (d.isTextual()) return d.asText();
                if (d.isArray() && !d.isEmpty()) return validation(d);
                return d.toString();
            }
        } catch (RuntimeException ignored) {
            // not JSON: an HTML error page from a proxy or an old server
        }
        String text = body.replaceAll("(?s)<(script|style).*?</\\1>", " ").replaceAll("<[^>]*>", " ")
                .replaceAll("&[a-z]+;", " ").replaceAll("\\s+", " ").trim();
        if (text.isEmpty()) text = "(no detail)";
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    /** A 422 detail in the original's shape, [{"loc": ["body", "task_id"], "msg": "..."}], as plain words. */
    private static String validation(com.fasterxml.jackson.databind.JsonNode errors) {
        StringBuilder sb = new StringBuilder();
        for (var e : errors) {
            if (!e.path("msg").isTextual()) return errors.toString(); // not that shape after all
            StringBuilder field = new StringBuilder();
            for (var part : e.path("loc")) {
                if (part.asText().equals("body") && field.length() == 0) continue;
                if (field.length() > 0) field.append('.');
                field.append(part.asText());
            }
            if (sb.length() > 0) sb.append("; ");
            if (field.length() > 0) sb.append(field).append(": ");
            sb.append(e.get("msg").asText());
        }
        return sb.toString();
    }
}
