package io.hakuriver.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.dataformat.toml.TomlFactory;
import io.hakuriver.util.JsonTree;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Loads the configuration key by key from layers: built-in defaults &lt; ~/.hakuriver/config.toml &lt;
 * $HAKURIVER_CONFIG &lt; --config PATH. A key missing from a layer falls back to the layer below
 * (the original replaced the whole file and silently ignored --config on host and runner).
 */
public final class ConfigLoader {
    private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);
    /** TOML as jackson-core tokens (no databind mapper: a Runner's memory counts, see {@link JsonTree}). */
    private static final TomlFactory TOML = new TomlFactory();

    private final Path home;
    private final Map<String, String> env;
    private final Consumer<String> warn;

    public ConfigLoader(Path home, Map<String, String> env, Consumer<String> warn) {
        this.home = home;
        this.env = env;
        this.warn = warn;
    }

    public static ConfigLoader standard() {
        return new ConfigLoader(home(), System.getenv(), log::warn);
    }

    /**
     * The home directory "~" means: $HOME when set (as the original's expanduser and every shell), else user.home.
     * The system property hakuriver.home overrides both (tests).
     */
    public static Path home() {
        String override = System.getProperty("hakuriver.home");
        if (override != null && !override.isBlank()) return Path.of(override);
        String h = System.getenv("HOME");
        return h != null && !h.isBlank() ? Path.of(h) : Path.of(System.getProperty("user.home"));
    }

    public static Path userConfigPath(Path home) { return home.resolve(".hakuriver").resolve("config.toml"); }

    /** @param explicit the --config argument, or null */
    public HakuConfig load(Path explicit) {
        List<Path> layers = new ArrayList<>();
        Path user = userConfigPath(home);
        if (Files.isRegularFile(user)) layers.add(user);
        String envPath = env.get("HAKURIVER_CONFIG");
        if (envPath != null && !envPath.isBlank()) {
            Path p = Path.of(envPath).toAbsolutePath().normalize();
            if (!Files.exists(p)) {
                throw new ConfigException("Configuration file not found: " + p
                        + " (named by $HAKURIVER_CONFIG). Create it with 'hakuriver.init config' or unset HAKURIVER_CONFIG.");
            }
            layers.add(p);
        }
        if (explicit != null) {
            Path p = explicit.toAbsolutePath().normalize();
            if (!Files.exists(p)) {
                throw new ConfigException("Configuration file not found: " + p
                        + ". Check the --config path (absolute paths are safest) or create the file with 'hakuriver.init config --path " + p + "'.");
            }
            layers.add(p);
        }
        Map<String, Object> values = defaults();
        for (Path layer : layers) applyLayer(values, layer);
        return build(values, layers);
    }

    /** Parses one TOML text as the only layer over the defaults (used by tests and by `init config`). */
    public HakuConfig loadText(String toml, Path pretendPath) {
        Map<String, Object> values = defaults();
        applyTree(values, parse(toml, pretendPath), pretendPath);
        return build(values, List.of(pretendPath));
    }

    private static Map<String, Object> defaults() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (ConfigKey k : ConfigKey.ALL) m.put(k.path(), k.defaultValue());
        return m;
    }

    private void applyLayer(Map<String, Object> values, Path file) {
        if (!Files.isReadable(file) || Files.isDirectory(file)) {
            throw new ConfigException("Cannot read configuration file " + file
                    + ": check that it is a readable file (permissions: " + describePerms(file) + ").");
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("Cannot read configuration file " + file + ": " + e.getMessage());
        }
        applyTree(values, parse(text, file), file);
    }

    private static String describePerms(Path p) {
        try { return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p)); }
        catch (Exception e) { return "unknown"; }
    }

    private static Object parse(String text, Path file) {
        try (JsonParser p = TOML.createParser(text)) {
            return p.nextToken() == null ? null : JsonTree.value(p);
        } catch (IOException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new ConfigException("Invalid TOML in " + file + ": " + msg);
        }
    }

    private void applyTree(Map<String, Object> values, Object root, Path file) {
        if (!(root instanceof Map<?, ?> sections)) return;
        for (Map.Entry<?, ?> s : sections.entrySet()) {
            if (!(s.getValue() instanceof Map<?, ?> keys)) {
                warn.accept(file + ": unknown top-level key '" + s.getKey() + "' ignored (keys belong in a [section])");
                continue;
            }
            for (Map.Entry<?, ?> k : keys.entrySet()) {
                ConfigKey key = ConfigKey.find(String.valueOf(s.getKey()), String.valueOf(k.getKey()));
                if (key == null) {
                    warn.accept(file + ": unknown key '" + s.getKey() + "." + k.getKey() + "' ignored");
                    continue;
                }
                values.put(key.path(), convert(key, k.getValue(), file));
            }
        }
    }

    private static Object convert(ConfigKey key, Object v, Path file) {
        switch (key.type()) {
            case STRING -> { if (v instanceof String s) return s; }
            case INT -> { if (v instanceof Long l) return l; }
            case BOOL -> { if (v instanceof Boolean b) return b; }
            case STRING_LIST -> {
                if (v instanceof List<?> list) {
                    List<String> out = new ArrayList<>();
                    for (Object e : list) {
                        if (!(e instanceof String s)) throw typeError(key, e, file);
                        out.add(s);
                    }
                    return List.copyOf(out);
                }
            }
        }
        throw typeError(key, v, file);
    }

    /** What TOML value a wrong one is, in the words of the TOML spec's kinds. */
    private static String kind(Object v) {
        if (v instanceof Map<?, ?>) return "table";
        if (v instanceof List<?>) return "array";
        if (v instanceof Boolean) return "boolean";
        if (v instanceof Long || v instanceof java.math.BigInteger) return "integer";
        if (v instanceof Number) return "float";
        return "value";
    }

    private static ConfigException typeError(ConfigKey key, Object v, Path file) {
        String got = v instanceof String s ? "the string \"" + s + "\"" : kind(v) + " " + v;
        return new ConfigException(file + ": key '" + key.path() + "' must be " + key.type().description + ", got " + got);
    }

    private HakuConfig build(Map<String, Object> v, List<Path> sources) {
        HakuConfig cfg = new HakuConfig(
            new HakuConfig.Network(str(v, "network.host_bind_ip"), port(v, "network.host_port", sources),
                str(v, "network.host_reachable_address"), str(v, "network.runner_address"),
                port(v, "network.runner_port", sources), str(v, "network.runner_bind_ip"), str(v, "network.host_advertise_address")),
            new HakuConfig.Paths(str(v, "paths.shared_dir"), str(v, "paths.local_temp_dir"), str(v, "paths.numactl_path"),
                str(v, "paths.host_log_file"), str(v, "paths.runner_log_file")),
            new HakuConfig.Database(str(v, "database.db_file"), str(v, "database.url"), str(v, "database.password_file"),
                bounded(v, "database.lease", 2, 3600, sources)),
            new HakuConfig.Timing(positive(v, "timing.heartbeat_interval", sources), positive(v, "timing.heartbeat_timeout_factor", sources),
                positive(v, "timing.cleanup_check_interval", sources), positive(v, "timing.resource_check_interval", sources),
                positive(v, "timing.dispatch_window", sources), positive(v, "timing.lost_requeue_grace", sources)),
            new HakuConfig.Environment(str(v, "environment.runner_user")),
            new HakuConfig.Docker(str(v, "docker.container_dir"), str(v, "docker.default_container_name"),
                str(v, "docker.initial_base_image"), bool(v, "docker.tasks_privileged"), list(v, "docker.additional_mounts"),
                bool(v, "docker.allow_privileged"), list(v, "docker.allowed_mount_prefixes"), bool(v, "docker.allow_dangerous_mounts")),
            new HakuConfig.Runner(str(v, "runner.name"), str(v, "runner.null_backend"), str(v, "runner.state_dir"),
                bool(v, "runner.allow_root_tasks"), bounded(v, "runner.max_tasks", 0, 100_000, sources)),
            new HakuConfig.Security(envToken(str(v, "security.token")), str(v, "security.token_file"), bool(v, "security.metrics_public")),
            new HakuConfig.Gpu(str(v, "gpu.nvidia_smi"), bounded(v, "gpu.shares_per_gpu", 1, 64, sources)),
            new HakuConfig.Notify(str(v, "notify.webhook").trim()),
            List.copyOf(sources));
        String hook = cfg.notifications().webhook();
        if (!hook.isEmpty() && !hook.matches("^https?://[^\\s/]+(/\\S*)?$")) {
            throw new ConfigException(where(sources) + "key 'notify.webhook' must be an http:// or https:// URL, got \"" + hook + "\"");
        }
        String nb = cfg.runner().nullBackend();
        if (!List.of("auto", "systemd", "process").contains(nb)) {
            throw new ConfigException(where(sources) + "key 'runner.null_backend' must be one of auto, systemd, process, got \"" + nb + "\"");
        }
        return cfg;
    }

    /** HAKURIVER_TOKEN (e.g. from a systemd EnvironmentFile) overrides a token written in a config file. */
    private String envToken(String fromFile) {
        String t = env.get("HAKURIVER_TOKEN");
        return t != null && !t.isBlank() ? t.trim() : fromFile;
    }

    private static String where(List<Path> sources) {
        return sources.isEmpty() ? "built-in defaults: " : sources.get(sources.size() - 1) + ": ";
    }

    private static String str(Map<String, Object> v, String k) { return (String) v.get(k); }
    private static boolean bool(Map<String, Object> v, String k) { return (Boolean) v.get(k); }
    @SuppressWarnings("unchecked")
    private static List<String> list(Map<String, Object> v, String k) { return (List<String>) v.get(k); }

    private static int port(Map<String, Object> v, String k, List<Path> sources) {
        long p = (Long) v.get(k);
        if (p < 0 || p > 65535) throw new ConfigException(where(sources) + "key '" + k + "' must be a port number 0-65535, got " + p);
        return (int) p;
    }

    private static int bounded(Map<String, Object> v, String k, long min, long max, List<Path> sources) {
        long p = (Long) v.get(k);
        if (p < min || p > max) throw new ConfigException(where(sources) + "key '" + k + "' must be between " + min + " and " + max + ", got " + p);
        return (int) p;
    }

    private static int positive(Map<String, Object> v, String k, List<Path> sources) {
        long p = (Long) v.get(k);
        if (p < 1 || p > 86400) throw new ConfigException(where(sources) + "key '" + k + "' must be between 1 and 86400, got " + p);
        return (int) p;
    }
}
