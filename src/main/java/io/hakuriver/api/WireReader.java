package io.hakuriver.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one way a wire body becomes its record, on whichever side receives it: the body's values ({@link WireJson})
 * bound to the record's components by their snake_case names (unknown fields ignored: originals send more than we
 * know), scalars read strictly, then the record's own checks in its compact constructor. Whatever is wrong comes out
 * as one {@link InvalidBody} listing every problem by field, in the body's order.
 *
 * <p>Strict scalars: a string is not a boolean, 0.5 is not an integer, 1e300 is not a long, nothing is truncated or
 * wrapped; integers may come as JSON numbers, whole floats (5.0) or digit strings, as the original's pydantic accepts
 * them. A wrong value is recorded and reading goes on with null (or the primitive's default) in its place, so the
 * record's checks see the rest. An empty list stands for an empty map (the original stores an empty env_vars as []).
 */
public final class WireReader<T> {
    private static final Pattern DIGITS = Pattern.compile("-?\\d{1,19}");
    private static final Pattern LONG_DIGITS = Pattern.compile("-?\\d+");

    private final Class<T> type;

    private WireReader(Class<T> type) {
        if (!type.isRecord()) throw new IllegalArgumentException(type.getName() + " is not a record");
        WireJson.Shape.of(type); // a record that cannot be read fails here, once, not on its first body
        this.type = type;
    }

    public static <T> WireReader<T> of(Class<T> type) { return new WireReader<>(type); }

    /** A whole request body. Empty, malformed or not an object: 422 too, as the original answers. */
    public T read(byte[] body) {
        if (blank(body)) throw empty();
        return read(parse(body));
    }

    /**
     * A body as values, for the envelope of a list of bodies ({"updates": [...]}) whose elements are then read one
     * by one: empty, malformed or not an object is the same InvalidBody as for {@link #read(byte[])}.
     */
    public static Map<String, Object> tree(byte[] body) {
        if (blank(body)) throw empty();
        Object v = parse(body);
        if (!(v instanceof Map<?, ?>)) throw InvalidBody.of("", "Expected a JSON object.", "model_type");
        @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) v;
        return m;
    }

    /** A body already parsed ({@link WireJson#parse}): one element of a list of bodies, or a server's body. */
    public T read(Object body) {
        if (body == WireJson.ABSENT) throw empty();
        Problems problems = new Problems();
        Object value = bind(type, body, "", problems);
        if (value == null && problems.isEmpty()) problems.add("", "Expected a JSON object.", "model_type");
        problems.throwIfAny(); // a wrong optional field: the record was built, with null in its place
        return type.cast(value);
    }

    private static Object parse(byte[] body) {
        try {
            return WireJson.parse(body);
        } catch (JsonProcessingException e) {
            throw InvalidBody.of("", "Malformed JSON: " + plain(e), "json_invalid");
        }
    }

    private static InvalidBody empty() { return InvalidBody.of("", "Request body is empty; expected a JSON object.", "missing"); }

    // ------------------------------------------------------------------ binding

    private static Object bind(Type type, Object v, String path, Problems p) {
        Class<?> raw = raw(type);
        if (v == null) return nullFor(raw, path, p);
        if (raw == Long.class || raw == long.class) return whole(v, path, p, Long.MIN_VALUE, Long.MAX_VALUE, raw.isPrimitive() ? 0L : null, false);
        if (raw == Integer.class || raw == int.class) return whole(v, path, p, Integer.MIN_VALUE, Integer.MAX_VALUE, raw.isPrimitive() ? 0 : null, true);
        if (raw == Double.class || raw == double.class) return number(v, path, p, raw.isPrimitive() ? 0.0 : null);
        if (raw == Boolean.class || raw == boolean.class) {
            if (v instanceof Boolean b) return b;
            return wrong(p, path, "Input should be a valid boolean", "bool_type", raw.isPrimitive() ? false : null);
        }
        if (raw == String.class) {
            if (v instanceof String s) return s;
            return wrong(p, path, "Input should be a valid string", "string_type", null);
        }
        if (raw == Object.class) return v;
        if (raw == TaskStatus.class) {
            if (!(v instanceof String s)) return wrong(p, path, "Input should be one of " + String.join(", ", TaskStatus.WIRE_VALUES), "enum", null);
            try { return TaskStatus.fromWire(s); } catch (InvalidBody e) { p.addAll(path, e); return null; }
        }
        if (raw.isEnum()) {
            if (v instanceof String s) {
                for (Object c : raw.getEnumConstants()) if (((Enum<?>) c).name().equals(s)) return c;
            }
            return wrong(p, path, "Input should be one of " + List.of(raw.getEnumConstants()), "enum", null);
        }
        if (List.class.isAssignableFrom(raw) || raw == Collection.class) {
            if (!(v instanceof List<?> l)) return wrong(p, path, "Input should be a valid list", "list_type", null);
            Type element = argument(type, 0);
            List<Object> out = new ArrayList<>(l.size());
            for (int i = 0; i < l.size(); i++) out.add(bind(element, l.get(i), path + "[" + i + "]", p));
            return out;
        }
        if (Map.class.isAssignableFrom(raw)) {
            if (v instanceof List<?> l && l.isEmpty()) return new LinkedHashMap<>();
            if (!(v instanceof Map<?, ?> m)) return wrong(p, path, "Input should be a valid dictionary", "dict_type", null);
            Type value = argument(type, 1);
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String key = String.valueOf(e.getKey());
                out.put(key, bind(value, e.getValue(), child(path, key), p));
            }
            return out;
        }
        if (raw.isRecord()) return record(raw, v, path, p);
        throw new IllegalStateException("no wire reading for " + type.getTypeName());
    }

    private static Object record(Class<?> type, Object v, String path, Problems p) {
        if (!(v instanceof Map<?, ?> m)) {
            return wrong(p, path, path.isEmpty() ? "Expected a JSON object." : "Input should be a JSON object", "model_type", null);
        }
        if (type == GpuInfo.class) return GpuInfo.fromWire(m);
        WireJson.Shape s = WireJson.Shape.of(type);
        Object[] args = s.absent.clone();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            Integer i = s.index(String.valueOf(e.getKey()));
            if (i != null) args[i] = bind(s.types[i], e.getValue(), child(path, s.names[i]), p);
        }
        try {
            return s.construct(args);
        } catch (InvalidBody e) {
            p.addAll(path, e);
        } catch (Throwable e) {
            p.add(path, "Input has the wrong type", "type_error");
        }
        return null;
    }

    /** JSON null: nothing for a boxed or reference type, a problem (and the default) for a primitive. */
    private static Object nullFor(Class<?> raw, String path, Problems p) {
        if (!raw.isPrimitive()) return null;
        if (raw == long.class) return wrong(p, path, "Input should be a valid integer, not null", "int_type", 0L);
        if (raw == int.class) return wrong(p, path, "Input should be a valid integer, not null", "int_type", 0);
        if (raw == double.class) return wrong(p, path, "Input should be a valid number, not null", "float_type", 0.0);
        if (raw == boolean.class) return wrong(p, path, "Input should be a valid boolean, not null", "bool_type", false);
        throw new IllegalStateException("no wire reading for " + raw);
    }

    /** Long and Integer (narrow): numbers, whole floats and digit strings, within [min, max]. */
    private static Object whole(Object v, String path, Problems p, long min, long max, Object standIn, boolean narrow) {
        if (v instanceof Long l) return inRange(l, path, p, min, max, standIn, narrow);
        if (v instanceof BigInteger) return outOfRange(path, p, min, max, standIn);
        if (v instanceof Double d) {
            if (Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 9.0e18) return inRange((long) (double) d, path, p, min, max, standIn, narrow);
            if (Double.isFinite(d) && d == Math.rint(d)) return outOfRange(path, p, min, max, standIn); // 1e300: refused, never clamped
            return wrong(p, path, "Input should be a valid integer, got a number with a fractional part", "int_from_float", standIn);
        }
        if (v instanceof String text) {
            String s = text.strip();
            if (DIGITS.matcher(s).matches()) {
                try { return inRange(Long.parseLong(s), path, p, min, max, standIn, narrow); }
                catch (NumberFormatException tooBig) { return outOfRange(path, p, min, max, standIn); }
            }
            if (LONG_DIGITS.matcher(s).matches()) return outOfRange(path, p, min, max, standIn);
        }
        return wrong(p, path, "Input should be a valid integer", "int_type", standIn);
    }

    private static Object inRange(long v, String path, Problems p, long min, long max, Object standIn, boolean narrow) {
        if (v < min || v > max) return outOfRange(path, p, min, max, standIn);
        return narrow ? (Object) (int) v : (Object) v;
    }

    private static Object outOfRange(String path, Problems p, long min, long max, Object standIn) {
        return wrong(p, path, "Input should be an integer between " + min + " and " + max, "int_range", standIn);
    }

    /** Double: numbers only, finite (1e400 parses as infinity). */
    private static Object number(Object v, String path, Problems p, Object standIn) {
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if (Double.isFinite(d)) return d;
            return wrong(p, path, "Input should be a finite number", "finite_number", standIn);
        }
        return wrong(p, path, "Input should be a valid number", "float_type", standIn);
    }

    private static Object wrong(Problems p, String path, String message, String type, Object standIn) {
        p.add(path, message, type);
        return standIn;
    }

    private static String child(String path, String name) { return path.isEmpty() ? name : path + "." + name; }

    private static Class<?> raw(Type t) {
        if (t instanceof Class<?> c) return c;
        if (t instanceof ParameterizedType pt) return (Class<?>) pt.getRawType();
        throw new IllegalStateException("no wire reading for " + t.getTypeName());
    }

    private static Type argument(Type t, int i) {
        if (t instanceof ParameterizedType pt) return pt.getActualTypeArguments()[i];
        return Object.class;
    }

    /** The parser's complaint without its source excerpt: "Unexpected end-of-input ... at line 1, column 2". */
    private static String plain(JsonProcessingException e) {
        String m = e.getOriginalMessage() == null ? "invalid JSON" : e.getOriginalMessage().lines().findFirst().orElse("");
        int cut = m.indexOf(" (start marker at");
        if (cut > 0) m = m.substring(0, cut);
        JsonLocation at = e.getLocation();
        return at == null || at.getLineNr() < 1 ? m : m + " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    private static boolean blank(byte[] b) {
        if (b == null) return true;
        for (byte x : b) if (x != ' ' && x != '\n' && x != '\r' && x != '\t') return false;
        return true;
    }
}
