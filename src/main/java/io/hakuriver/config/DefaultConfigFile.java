package io.hakuriver.config;

import java.util.List;

/** Renders the commented default config.toml that `hakuriver.init config` writes. */
public final class DefaultConfigFile {
    private static final java.util.Set<String> PATHS = java.util.Set.of("paths.shared_dir", "paths.local_temp_dir", "database.db_file");

    private DefaultConfigFile() {}

    /** The default file as the original writes it (relative paths, resolved against the daemon's working directory). */
    public static String render() { return render(null); }

    /**
     * The default file with its relative path defaults made absolute under {@code base} (the config file's directory):
     * a relative path means "relative to wherever the daemon starts", which under systemd is WorkingDirectory.
     */
    public static String render(java.nio.file.Path base) {
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
            Object value = k.defaultValue();
            if (base != null && PATHS.contains(k.section() + "." + k.name()) && value instanceof String p && !p.isEmpty() && !p.startsWith("/")) {
                value = base.resolve(java.nio.file.Path.of(p).getFileName()).toAbsolutePath().normalize().toString();
            }
            sb.append(k.name()).append(" = ").append(toml(value)).append('\n');
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
