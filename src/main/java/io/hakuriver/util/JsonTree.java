package io.hakuriver.util;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A document read by any jackson-core parser (JSON, or the TOML one) as plain values, without databind's tree or
 * mapper: {@code Map} in document order, {@code List}, {@code String}, {@code Long} ({@code BigInteger} beyond a
 * long), {@code Double}, {@code Boolean}, null. TOML's dates arrive as embedded objects and are kept as their text.
 */
public final class JsonTree {
    private JsonTree() {}

    /** The value the parser is at, with everything inside it; the parser is left on its last token. */
    public static Object value(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) throw new IllegalStateException("the parser is at no value");
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    m.put(name, value(p));
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) l.add(value(p));
                return l;
            }
            case VALUE_STRING: return p.getText();
            case VALUE_NUMBER_INT:
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getBigIntegerValue() : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT: return p.getDoubleValue();
            case VALUE_TRUE: return Boolean.TRUE;
            case VALUE_FALSE: return Boolean.FALSE;
            case VALUE_NULL: return null;
            case VALUE_EMBEDDED_OBJECT: {
                Object o = p.getEmbeddedObject();
                return o == null ? null : o.toString();
            }
            default: throw new IllegalStateException("unexpected " + t);
        }
    }

    /** The value at a path of object keys (String) and list indexes (Integer); null where there is none. */
    public static Object at(Object root, Object... path) {
        Object v = root;
        for (Object step : path) {
            if (step instanceof String key && v instanceof Map<?, ?> m) v = m.get(key);
            else if (step instanceof Integer i && v instanceof List<?> l && i >= 0 && i < l.size()) v = l.get(i);
            else return null;
        }
        return v;
    }

    /** A string value, or {@code otherwise} for anything else; a number or boolean as its text (as JSON shows it). */
    public static String text(Object v, String otherwise) {
        if (v instanceof String s) return s;
        if (v instanceof Number || v instanceof Boolean) return String.valueOf(v);
        return otherwise;
    }

    public static boolean isTrue(Object v) { return Boolean.TRUE.equals(v); }

    /** A whole number, or {@code otherwise}. */
    public static long whole(Object v, long otherwise) { return v instanceof Long l ? l : otherwise; }
}
