package io.hakuriver.http;

import io.hakuriver.util.Json;
import io.javalin.json.JsonMapper;
import org.jetbrains.annotations.NotNull;

import java.lang.reflect.Type;

/** Javalin's ctx.json() through our snake_case Jackson mapper. */
public final class JacksonMapper implements JsonMapper {
    @NotNull @Override public String toJsonString(@NotNull Object obj, @NotNull Type type) { return Json.write(obj); }

    @NotNull @Override public <T> T fromJsonString(@NotNull String json, @NotNull Type type) {
        try { return Json.MAPPER.readValue(json, Json.MAPPER.constructType(type)); }
        catch (Exception e) { throw new IllegalArgumentException(e); }
    }
}
