package io.hakuriver.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.hakuriver.util.JsonTree;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * JSON of the wire with jackson-core's streaming parser and generator only, no databind: the Runner reads and writes
 * every body through it, and databind's object mapping alone is ~9 MiB of a Runner's 64 (its classes, their JIT
 * code). A document becomes plain values — {@code Map} (in document order), {@code List}, {@code String},
 * {@code Long} (or {@code BigInteger} beyond a long), {@code Double}, {@code Boolean}, null — which
 * {@link WireReader} binds to records. Writing takes the same values and records, as the Host's databind mapper
 * writes them: snake_case names in component order, nulls written unless the component says
 * {@code @JsonInclude(NON_NULL)}, {@link TaskStatus} as its wire word.
 */
public final class WireJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    /** What a request without a body (a GET, an empty POST) carries instead of a value. */
    public static final Object ABSENT = new Object() {
        @Override public String toString() { return "<no body>"; }
    };

    private WireJson() {}

    /** One JSON document; {@link #ABSENT} when it holds no value at all; anything after the value is malformed. */
    public static Object parse(byte[] json) throws JsonProcessingException {
        try (JsonParser p = FACTORY.createParser(json)) {
            return document(p);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail to read
        }
    }

    public static Object parse(String json) throws JsonProcessingException {
        try (JsonParser p = FACTORY.createParser(json)) {
            return document(p);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Object document(JsonParser p) throws IOException {
        if (p.nextToken() == null) return ABSENT;
        Object v = JsonTree.value(p);
        if (p.nextToken() != null) throw new JsonParseException(p, "Unexpected content after the JSON value");
        return v;
    }

    public static byte[] bytes(Object value) {
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory does not fail
        }
        return out.toByteArray();
    }

    public static String write(Object value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    public static void write(JsonGenerator g, Object v) throws IOException {
        if (v == null) g.writeNull();
        else if (v instanceof String s) g.writeString(s);
        else if (v instanceof Boolean b) g.writeBoolean(b);
        else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) g.writeNumber(((Number) v).longValue());
        else if (v instanceof Double d) g.writeNumber(d);
        else if (v instanceof Float f) g.writeNumber(f);
        else if (v instanceof BigInteger b) g.writeNumber(b);
        else if (v instanceof BigDecimal b) g.writeNumber(b);
        else if (v instanceof TaskStatus s) g.writeString(s.wire());
        else if (v instanceof Enum<?> e) g.writeString(e.name());
        else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof Collection<?> c) {
            g.writeStartArray();
            for (Object o : c) write(g, o);
            g.writeEndArray();
        } else if (v instanceof Record r) {
            Shape s = Shape.of(r.getClass());
            g.writeStartObject();
            for (int i = 0; i < s.names.length; i++) {
                Object c = s.get(r, i);
                if (c == null && s.omitNull[i]) continue;
                g.writeFieldName(s.names[i]);
                write(g, c);
            }
            g.writeEndObject();
        } else if (v instanceof CharSequence cs) g.writeString(cs.toString());
        else throw new IllegalArgumentException("no wire form for " + v.getClass().getName());
    }

    /**
     * A record as the wire sees it, found once per class: its components' JSON names, types, accessors, and its
     * canonical constructor.
     */
    static final class Shape {
        private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
            @Override protected Shape computeValue(Class<?> type) { return new Shape(type); }
        };

        final String[] names;
        final Type[] types;
        final boolean[] omitNull;
        final Object[] absent;
        private final Method[] accessors;
        private final Constructor<?> constructor;
        private final Map<String, Integer> index = new HashMap<>();

        static Shape of(Class<?> type) { return SHAPES.get(type); }

        private Shape(Class<?> type) {
            RecordComponent[] rc = type.getRecordComponents();
            if (rc == null) throw new IllegalArgumentException(type.getName() + " is not a record");
            names = new String[rc.length];
            types = new Type[rc.length];
            omitNull = new boolean[rc.length];
            absent = new Object[rc.length];
            accessors = new Method[rc.length];
            Class<?>[] raw = new Class<?>[rc.length];
            JsonInclude all = type.getAnnotation(JsonInclude.class);
            for (int i = 0; i < rc.length; i++) {
                names[i] = snakeCase(rc[i].getName());
                types[i] = rc[i].getGenericType();
                raw[i] = rc[i].getType();
                accessors[i] = rc[i].getAccessor();
                accessors[i].setAccessible(true); // records private to their package (the Runner's journal) too
                JsonInclude inc = accessors[i].getAnnotation(JsonInclude.class);
                if (inc == null) inc = all;
                omitNull[i] = inc != null && inc.value() == JsonInclude.Include.NON_NULL;
                absent[i] = primitiveDefault(raw[i]);
                index.put(names[i], i);
            }
            try {
                constructor = type.getDeclaredConstructor(raw);
                constructor.setAccessible(true);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(type.getName() + " has no canonical constructor", e);
            }
        }

        Integer index(String name) { return index.get(name); }

        Object get(Record r, int i) {
            try {
                return accessors[i].invoke(r);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + names[i] + " of " + r.getClass().getName(), e);
            }
        }

        /** Builds the record; what its constructor throws comes out as it is. */
        Object construct(Object[] args) throws Throwable {
            try {
                return constructor.newInstance(args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
        }

        private static Object primitiveDefault(Class<?> c) {
            if (!c.isPrimitive()) return null;
            if (c == long.class) return 0L;
            if (c == int.class) return 0;
            if (c == double.class) return 0.0;
            if (c == boolean.class) return false;
            if (c == float.class) return 0f;
            if (c == short.class) return (short) 0;
            if (c == byte.class) return (byte) 0;
            return '\0';
        }
    }

    /** Java names to the wire's, as Jackson's SNAKE_CASE does it: taskId → task_id, gpuInfo → gpu_info. */
    static String snakeCase(String name) {
        StringBuilder sb = new StringBuilder(name.length() + 4);
        boolean prevUpper = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (i == 0 && c == '_') continue;
            if (Character.isUpperCase(c)) {
                if (!prevUpper && sb.length() > 0 && sb.charAt(sb.length() - 1) != '_') sb.append('_');
                sb.append(Character.toLowerCase(c));
                prevUpper = true;
            } else {
                sb.append(c);
                prevUpper = false;
            }
        }
        return sb.toString();
    }
}
