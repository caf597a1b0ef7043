package io.hakuriver.util;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one JSON mapper: snake_case field names (the wire format of the original), unknown fields tolerated. */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .serializationInclusion(JsonInclude.Include.ALWAYS)
            .build();

    private Json() {}

    public static String write(Object o) {
        try { return MAPPER.writeValueAsString(o); }
        catch (Exception e) { throw new IllegalStateException("JSON serialisation failed: " + e.getMessage(), e); }
    }

    public static byte[] bytes(Object o) {
        try { return MAPPER.writeValueAsBytes(o); }
        catch (Exception e) { throw new IllegalStateException("JSON serialisation failed: " + e.getMessage(), e); }
    }

    public static String pretty(Object o) {
        try { return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o); }
        catch (Exception e) { throw new IllegalStateException(e); }
    }

    public static JsonNode tree(String s) {
        try { return MAPPER.readTree(s); }
        catch (com.fasterxml.jackson.core.JsonProcessingException e) { throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage(), e); }
    }

    public static <T> T read(String s, Class<T> type) {
        try { return MAPPER.readValue(s, type); }
        catch (Exception e) { throw new IllegalArgumentException("invalid JSON: " + e.getMessage(), e); }
    }

    public static <T> T convert(JsonNode n, Class<T> type) { return MAPPER.convertValue(n, type); }
}
