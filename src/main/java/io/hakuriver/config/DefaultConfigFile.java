package io.hakuriver.config;

import java.util.List;

/** Renders the commented default config.toml that `hakuriver.init config` writes. */
public final class DefaultConfigFile {
    private DefaultConfigFile() {}

    public static String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("# HakuRiver configuration (Java edition). Every key is optional: a missing key keeps its default.\n")
          .append("# Layers: built-in defaults < ~/.hakuriver/config.toml < $HAKURIVER_CONFIG < --config PATH\n")
          .append("# Memory sizes everywhere use 1024-based units (K, M, G).\n");
        String section = null;
        for (ConfigKey k : ConfigKey.ALL) {
            if (!k.section().equals(section)) {
                section = k.section();
                sb.append('\n').append('[').append(section).append("]\n");
            }
            sb.append("# ").append(k.comment()).append('\n');
            sb.append(k.name()).append(" = ").append(toml(k.defaultValue())).append('\n');
        }
        return sb.toString();
    }

    static String toml(Object v) {
        if (v instanceof String s) return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        if (v instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < l.size(); i++) { if (i > 0) sb.append(", "); sb.append(toml(l.get(i))); }
            return sb.append(']').toString();
        }
        return String.valueOf(v);
    }
}
