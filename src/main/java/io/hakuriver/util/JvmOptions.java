package io.hakuriver.util;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JVM flags of bin/jvm.options (packed into the jar by the build), so the units that {@code hakuriver.init service}
 * writes start the daemons exactly as bin/hakuriver does. Format: {@code key=flags} lines, '#' comments.
 */
public final class JvmOptions {
    private static final String RESOURCE = "/io/hakuriver/jvm.options";
    private final Map<String, String> values;

    JvmOptions(Map<String, String> values) { this.values = Map.copyOf(values); }

    public static JvmOptions load() {
        try (InputStream in = JvmOptions.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the jar (the build copies bin/jvm.options there)");
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JvmOptions parse(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            int eq = l.indexOf('=');
            if (l.isEmpty() || l.startsWith("#") || eq < 1) continue;
            m.putIfAbsent(l.substring(0, eq), l.substring(eq + 1).strip()); // the launcher's sed|head -1 takes the first too
        }
        return new JvmOptions(m);
    }

    /** Flags of a daemon ("host" or "runner"): common + daemon + its heap, in the launcher's order. */
    public List<String> daemonFlags(String role) {
        List<String> out = new ArrayList<>();
        for (String key : List.of("common", "daemon", role)) out.addAll(words(key));
        return out;
    }

    /** Environment the launcher exports (upper-case keys), e.g. MALLOC_ARENA_MAX=1. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        values.forEach((k, v) -> { if (k.equals(k.toUpperCase()) && !v.isEmpty()) env.put(k, v); });
        return env;
    }

    private List<String> words(String key) {
        String v = values.getOrDefault(key, "");
        return v.isBlank() ? List.of() : List.of(v.trim().split("\\s+"));
    }
}
