package io.hakuriver.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Map;

/**
 * How the wire's scalars are read: strictly (a string is not a boolean, 0.5 is not an integer, 1e300 is not a long,
 * nothing is truncated or wrapped), and without stopping at the first mistake: each wrong value becomes a
 * {@link Problems} entry naming its field, and reading goes on with null (or the primitive's default) in its place.
 * The record's own checks then see the rest. Integers may come as JSON numbers, whole floats (5.0) or digit strings,
 * as the original's pydantic accepts them.
 */
final class WireScalars {
    /** Attribute of one read: where its problems go. */
    static final Object PROBLEMS = Problems.class;

    private WireScalars() {}

    static SimpleModule module() {
        SimpleModule m = new SimpleModule("hakuriver-wire");
        m.addDeserializer(Long.class, new WholeNumber<>(Long.class, Long.MIN_VALUE, Long.MAX_VALUE, null, v -> v));
        m.addDeserializer(long.class, new WholeNumber<>(long.class, Long.MIN_VALUE, Long.MAX_VALUE, 0L, v -> v));
        m.addDeserializer(Integer.class, new WholeNumber<>(Integer.class, Integer.MIN_VALUE, Integer.MAX_VALUE, null, v -> (int) v));
        m.addDeserializer(int.class, new WholeNumber<>(int.class, Integer.MIN_VALUE, Integer.MAX_VALUE, 0, v -> (int) v));
        m.addDeserializer(Double.class, new FiniteNumber(Double.class, null));
        m.addDeserializer(double.class, new FiniteNumber(double.class, 0.0));
        m.addDeserializer(String.class, new Text());
        m.addDeserializer(Boolean.class, new Flag(Boolean.class, null));
        m.addDeserializer(boolean.class, new Flag(boolean.class, false));
        return m;
    }

    static Problems problems(DeserializationContext ctxt) {
        Object p = ctxt.getAttribute(PROBLEMS);
        if (p instanceof Problems found) return found;
        throw new IllegalStateException("the wire mapper is only used through a WireReader");
    }

    /** The path of the value the parser is at: "killed_tasks[0].task_id"; "" for the body itself. */
    static String path(JsonParser p) {
        JsonStreamContext c = p.getParsingContext();
        JsonToken t = p.currentToken();
        if (c != null && (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY)) c = c.getParent(); // the value's own
        ArrayDeque<String> parts = new ArrayDeque<>();
        for (; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) parts.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
            else if (c.getCurrentName() != null) parts.push(c.getCurrentName());
        }
        StringBuilder sb = new StringBuilder();
        for (String s : parts) {
            if (sb.length() > 0 && !s.startsWith("[")) sb.append('.');
            sb.append(s);
        }
        return sb.toString();
    }

    /** Records the problem of the value at p, skips that value, and answers what stands in for it. */
    private static <T> T wrong(JsonParser p, DeserializationContext ctxt, String message, String type, T standIn) throws IOException {
        problems(ctxt).add(path(p), message, type);
        p.skipChildren();
        return standIn;
    }

    /** Long and Integer, boxed (null stands in) or primitive (0 does: the record's own check reports the field). */
    private static final class WholeNumber<T> extends StdScalarDeserializer<T> {
        interface Narrow<T> { T of(long v); }
        private final long min, max;
        private final T standIn;
        private final Narrow<T> narrow;

        WholeNumber(Class<?> type, long min, long max, T standIn, Narrow<T> narrow) {
            super(type);
            this.min = min; this.max = max; this.standIn = standIn; this.narrow = narrow;
        }

        @Override public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NUMBER_INT) {
                if (p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) return inRange(p, ctxt, p.getLongValue());
                return outOfRange(p, ctxt);
            }
            if (t == JsonToken.VALUE_NUMBER_FLOAT) {
                double d = p.getDoubleValue();
                if (Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 9.0e18) return inRange(p, ctxt, (long) d);
                if (Double.isFinite(d) && d == Math.rint(d)) return outOfRange(p, ctxt); // 1e300: refused, never clamped
                return wrong(p, ctxt, "Input should be a valid integer, got a number with a fractional part", "int_from_float", standIn);
            }
            if (t == JsonToken.VALUE_STRING) {
                String s = p.getText().strip();
                if (s.matches("-?\\d{1,19}")) {
                    try { return inRange(p, ctxt, Long.parseLong(s)); } catch (NumberFormatException tooBig) { return outOfRange(p, ctxt); }
                }
                if (s.matches("-?\\d+")) return outOfRange(p, ctxt);
            }
            return wrong(p, ctxt, "Input should be a valid integer", "int_type", standIn);
        }

        private T inRange(JsonParser p, DeserializationContext ctxt, long v) throws IOException {
            return v >= min && v <= max ? narrow.of(v) : outOfRange(p, ctxt);
        }

        private T outOfRange(JsonParser p, DeserializationContext ctxt) throws IOException {
            return wrong(p, ctxt, "Input should be an integer between " + min + " and " + max, "int_range", standIn);
        }

        @Override public T getNullValue(DeserializationContext ctxt) {
            if (standIn != null) problems(ctxt).add(path(ctxt.getParser()), "Input should be a valid integer, not null", "int_type");
            return standIn;
        }

        @Override public T getAbsentValue(DeserializationContext ctxt) { return standIn; } // a default, not a mistake
    }

    /** Double: numbers only, finite (1e400 parses as infinity). */
    private static final class FiniteNumber extends StdScalarDeserializer<Double> {
        private final Double standIn;

        FiniteNumber(Class<?> type, Double standIn) { super(type); this.standIn = standIn; }

        @Override public Double deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                double d = p.getDoubleValue();
                if (Double.isFinite(d)) return d;
                return wrong(p, ctxt, "Input should be a finite number", "finite_number", standIn);
            }
            return wrong(p, ctxt, "Input should be a valid number", "float_type", standIn);
        }

        @Override public Double getNullValue(DeserializationContext ctxt) {
            if (standIn != null) problems(ctxt).add(path(ctxt.getParser()), "Input should be a valid number, not null", "float_type");
            return standIn;
        }

        @Override public Double getAbsentValue(DeserializationContext ctxt) { return standIn; }
    }

    /** String: JSON strings only (a number or an object is not a command). */
    private static final class Text extends StdScalarDeserializer<String> {
        Text() { super(String.class); }

        @Override public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING) return p.getText();
            return wrong(p, ctxt, "Input should be a valid string", "string_type", null);
        }
    }

    /** Boolean: true and false only. */
    private static final class Flag extends StdScalarDeserializer<Boolean> {
        private final Boolean standIn;

        Flag(Class<?> type, Boolean standIn) { super(type); this.standIn = standIn; }

        @Override public Boolean deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_TRUE) return Boolean.TRUE;
            if (t == JsonToken.VALUE_FALSE) return Boolean.FALSE;
            return wrong(p, ctxt, "Input should be a valid boolean", "bool_type", standIn);
        }

        @Override public Boolean getNullValue(DeserializationContext ctxt) {
            if (standIn != null) problems(ctxt).add(path(ctxt.getParser()), "Input should be a valid boolean, not null", "bool_type");
            return standIn;
        }

        @Override public Boolean getAbsentValue(DeserializationContext ctxt) { return standIn; }
    }

    /**
     * Values of the wrong shape where a list, an object or a record is expected ({@code "arguments": "x"},
     * {@code "killed_tasks": [7]}): recorded and skipped like a wrong scalar. A record's own InvalidBody thrown while
     * it is built inside another (a status word) is recorded under its path.
     */
    static final class Shapes extends DeserializationProblemHandler {
        @Override public Object handleUnexpectedToken(DeserializationContext ctxt, JavaType target, JsonToken t, JsonParser p, String msg) throws IOException {
            return wrong(p, ctxt, expected(p, target.getRawClass()), kind(target.getRawClass()), null);
        }

        @Override public Object handleMissingInstantiator(DeserializationContext ctxt, Class<?> type, ValueInstantiator inst, JsonParser p, String msg) throws IOException {
            return wrong(p, ctxt, expected(p, type), kind(type), null);
        }

        @Override public Object handleInstantiationProblem(DeserializationContext ctxt, Class<?> type, Object argument, Throwable t) throws IOException {
            if (!(t instanceof InvalidBody e)) return NOT_HANDLED;
            problems(ctxt).addAll(path(ctxt.getParser()), e);
            return null;
        }

        private static String expected(JsonParser p, Class<?> type) {
            if (Collection.class.isAssignableFrom(type) || type.isArray()) return "Input should be a valid list";
            if (Map.class.isAssignableFrom(type)) return "Input should be a valid dictionary";
            if (type == TaskStatus.class) return "Input should be one of " + String.join(", ", TaskStatus.WIRE_VALUES);
            return path(p).isEmpty() ? "Expected a JSON object." : "Input should be a JSON object";
        }

        private static String kind(Class<?> type) {
            if (Collection.class.isAssignableFrom(type) || type.isArray()) return "list_type";
            if (Map.class.isAssignableFrom(type)) return "dict_type";
            if (type.isEnum()) return "enum";
            return "model_type";
        }
    }
}
