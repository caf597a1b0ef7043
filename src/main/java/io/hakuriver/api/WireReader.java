package io.hakuriver.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.hakuriver.util.Json;

import java.io.IOException;

/**
 * The one way a wire body becomes its record, on whichever side receives it: Jackson databind on the record
 * (names as {@link Json} writes them, unknown fields ignored: originals send more than we know), scalars read
 * strictly by {@link WireScalars}, then the record's own checks in its compact constructor. Whatever is wrong comes
 * out as one {@link InvalidBody} listing every problem by field. One reader per record type, made once: a /runs
 * carries up to 64 tasks and a burst thousands.
 */
public final class WireReader<T> {
    private static final ObjectMapper WIRE = wireMapper();

    private final ObjectReader reader;

    private WireReader(Class<T> type) { this.reader = WIRE.readerFor(type); }

    public static <T> WireReader<T> of(Class<T> type) { return new WireReader<>(type); }

    private static ObjectMapper wireMapper() {
        ObjectMapper m = Json.MAPPER.copy().registerModule(WireScalars.module()).addHandler(new WireScalars.Shapes())
                .enable(DeserializationFeature.USE_LONG_FOR_INTS); // ids in a free-form body (a /runs result's) stay longs
        // the original stores an empty env_vars as [] and sends it back so: an empty list is an empty map
        m.coercionConfigFor(LogicalType.Map).setCoercion(CoercionInputShape.EmptyArray, CoercionAction.AsEmpty);
        return m;
    }

    /** A whole request body. Empty, malformed or not an object: 422 too, as the original answers. */
    public T read(byte[] body) {
        if (blank(body)) throw InvalidBody.of("", "Request body is empty; expected a JSON object.", "missing");
        Problems problems = new Problems();
        try {
            return checked(reader.withAttribute(WireScalars.PROBLEMS, problems).readValue(body), problems);
        } catch (JsonMappingException e) {
            throw failed(e, problems);
        } catch (JsonProcessingException e) {
            throw InvalidBody.of("", "Malformed JSON: " + plain(e), "json_invalid");
        } catch (IOException e) {
            throw new IllegalStateException(e); // a byte array does not fail to read
        }
    }

    /**
     * A body as a tree, for the envelope of a list of bodies ({"updates": [...]}) whose elements are then read one
     * by one: empty, malformed or not an object is the same InvalidBody as for {@link #read(byte[])}.
     */
    public static JsonNode tree(byte[] body) {
        if (blank(body)) throw InvalidBody.of("", "Request body is empty; expected a JSON object.", "missing");
        JsonNode n;
        try {
            n = WIRE.readTree(body);
        } catch (JsonProcessingException e) {
            throw InvalidBody.of("", "Malformed JSON: " + plain(e), "json_invalid");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        if (n == null || !n.isObject()) throw InvalidBody.of("", "Expected a JSON object.", "model_type");
        return n;
    }

    /** A body already parsed: one element of a list of bodies, or a server that parses every body itself. */
    public T read(JsonNode body) {
        if (body == null || body.isMissingNode()) throw InvalidBody.of("", "Request body is empty; expected a JSON object.", "missing");
        if (!body.isObject()) throw InvalidBody.of("", "Expected a JSON object.", "model_type");
        Problems problems = new Problems();
        try {
            return checked(reader.withAttribute(WireScalars.PROBLEMS, problems).readValue(body), problems);
        } catch (JsonMappingException e) {
            throw failed(e, problems);
        } catch (IOException e) {
            throw new IllegalStateException(e); // a tree is JSON already
        }
    }

    private static <T> T checked(T value, Problems problems) {
        if (value == null) problems.add("", "Expected a JSON object.", "model_type");
        problems.throwIfAny(); // a wrong optional field: the record was built, with null in its place
        return value;
    }

    /**
     * The record's constructor refused (its InvalidBody inside Jackson's wrapping), after the wrong scalars were
     * collected; anything else Jackson could not map is named by its path only, never by Jackson's words.
     */
    private static InvalidBody failed(JsonMappingException e, Problems problems) {
        String at = path(e);
        InvalidBody refused = null;
        for (Throwable c = e; c != null && refused == null; c = c.getCause()) if (c instanceof InvalidBody ib) refused = ib;
        if (refused != null) problems.addAll(at, refused);
        else problems.add(at, "Input has the wrong type", "type_error");
        return problems.toException();
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) { if (sb.length() > 0) sb.append('.'); sb.append(r.getFieldName()); }
            else if (r.getIndex() >= 0) sb.append('[').append(r.getIndex()).append(']');
        }
        return sb.toString();
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
