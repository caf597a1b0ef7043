package io.hakuriver.http;

import io.hakuriver.util.Json;

/** What the other side said in an error answer: its JSON {@code detail}, else its text without markup, shortened. */
public final class ErrorDetail {
    private ErrorDetail() {}

    public static String of(String body) {
        if (body == null || body.isBlank()) return "(no detail)";
        try {
            var n = Json.tree(body);
            if (n != null && n.has("detail")) {
                var d = n.get("detail");
                return d.isTextual() ? d.asText() : d.toString();
            }
        } catch (RuntimeException ignored) {
            // not JSON: an HTML error page from a proxy or an old server
        }
        String text = body.replaceAll("(?s)<(script|style).*?</\\1>", " ").replaceAll("<[^>]*>", " ")
                .replaceAll("&[a-z]+;", " ").replaceAll("\\s+", " ").trim();
        if (text.isEmpty()) text = "(no detail)";
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
}
