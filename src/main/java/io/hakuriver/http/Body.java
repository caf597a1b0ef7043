package io.hakuriver.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.util.Json;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a client's JSON request body (/submit) field by field and collects every problem into one 422 (the
 * original's validation error shape), so a client learns all its mistakes at once and a malformed body never becomes
 * a 500. The bodies between Host and Runner are records, read by {@code api.WireReader}.
 */
public final class Body {
    private final JsonNode root;
    private final List<Map<String, Object>> errors = new ArrayList<>();

    private Body(JsonNode root) { this.root = root; }

    public static Body of(Context ctx) {
        String text = ctx.body();
        if (text.isBlank()) throw ApiException.validation(null, "Request body is empty; expected a JSON object.", "missing");
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw ApiException.validation(null, "Malformed JSON: " + firstLine(e.getMessage()), "json_invalid");
        }
        return of(n);
    }

    private static Body of(JsonNode n) {
        if (n == null || n.isMissingNode()) throw ApiException.validation(null, "Request body is empty; expected a JSON object.", "missing");
        if (!n.isObject()) throw ApiException.validation(null, "Expected a JSON object.", "model_type");
        return new Body(n);
    }

    private static String firstLine(String s) { return s == null ? "" : s.lines().findFirst().orElse(""); }

    public JsonNode raw() { return root; }
    public boolean has(String f) { return root.has(f) && !root.get(f).isNull(); }

    public String string(String f, boolean required) {
        JsonNode v = root.get(f);
        if (v == null || v.isNull()) { if (required) missing(f); return null; }
        if (!v.isTextual()) { err(f, "Input should be a valid string", "string_type"); return null; }
        return v.asText();
    }

    public Long integer(String f, boolean required) {
        JsonNode v = root.get(f);
        if (v == null || v.isNull()) { if (required) missing(f); return null; }
        if (v.isIntegralNumber() && v.canConvertToLong()) return v.asLong();
        if (v.isTextual() && v.asText().matches("-?\\d{1,19}")) {
            try { return Long.parseLong(v.asText()); } catch (NumberFormatException ignored) { }
        }
        if (v.isFloatingPointNumber() && v.asDouble() == Math.floor(v.asDouble())
                && Math.abs(v.asDouble()) < 9.0e18) return (long) v.asDouble(); // 1e300 is refused, never clamped
        err(f, "Input should be a valid integer", "int_type");
        return null;
    }

    public Boolean bool(String f) {
        JsonNode v = root.get(f);
        if (v == null || v.isNull()) return null;
        if (v.isBoolean()) return v.asBoolean();
        err(f, "Input should be a valid boolean", "bool_type");
        return null;
    }

    public List<String> strings(String f) {
        JsonNode v = root.get(f);
        if (v == null || v.isNull()) return null;
        if (!v.isArray()) { err(f, "Input should be a valid list", "list_type"); return null; }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual() && !e.isNumber()) { err(f, "List items should be strings", "string_type"); return null; }
            out.add(e.asText());
        }
        return out;
    }

    public List<Long> longs(String f) {
        JsonNode v = root.get(f);
        if (v == null || v.isNull()) return List.of();
        if (!v.isArray()) { err(f, "Input should be a valid list", "list_type"); return List.of(); }
        List<Long> out = new ArrayList<>();
        for (JsonNode e : v) {
            Long id = null;
            if (e.isIntegralNumber() && e.canConvertToLong() && e.asLong() >= 0) id = e.asLong();
            else if (e.isTextual() && e.asText().matches("\\d{1,19}")) {
                try { id = Long.parseLong(e.asText()); } catch (NumberFormatException tooBig) { id = null; }
            }
            if (id == null) { err(f, "List items should be integers between 0 and " + Long.MAX_VALUE, "int_type"); return List.of(); }
            out.add(id);
        }
        return out;
    }

    public Map<String, String> stringMap(String f) {
        JsonNode v = root.get(f);
        if (v == null || v.isNull()) return Map.of();
        if (v.isArray() && v.isEmpty()) return Map.of(); // the original stores an empty env as []
        if (!v.isObject()) { err(f, "Input should be a valid dictionary", "dict_type"); return Map.of(); }
        Map<String, String> out = new LinkedHashMap<>();
        var it = v.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().isTextual()) { err(f, "Values should be strings (got " + e.getValue().getNodeType().toString().toLowerCase() + " for '" + e.getKey() + "')", "string_type"); continue; }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    public void err(String f, String msg, String type) { errors.add(ApiException.error(f, msg, type)); }
    private void missing(String f) { err(f, "Field required", "missing"); }

    /** Throws the collected 422 if anything was wrong. */
    public void check() { if (!errors.isEmpty()) throw ApiException.validation(errors); }
}
