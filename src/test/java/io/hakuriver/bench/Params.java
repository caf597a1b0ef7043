package io.hakuriver.bench;

import java.util.Arrays;
import java.util.List;

/** Tunables as -Dbench.* system properties (bench/run.sh passes BENCH_OPTS through), with defaults. */
final class Params {
    private Params() {}

    static int integer(String key, int def) {
        String v = System.getProperty(key);
        if (v == null || v.isBlank()) return def;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + key + " must be an integer, got '" + v + "'");
        }
    }

    static List<String> list(String key, String def) {
        return Arrays.stream(System.getProperty(key, def).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
