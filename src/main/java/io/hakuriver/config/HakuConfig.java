package io.hakuriver.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The merged, validated configuration. Field names follow the TOML keys of the original HakuRiver so that a
 * reader can map them 1:1. Paths are kept as written; {@link #sharedDir()} etc. resolve them.
 */
public record HakuConfig(Network network, Paths paths, Database database, Timing timing,
                         Environment environment, Docker docker, Runner runner, Security security,
                         Notify notifications, List<Path> sources) {

    public record Network(String hostBindIp, int hostPort, String hostReachableAddress,
                          String runnerAddress, int runnerPort, String runnerBindIp) {}
    public record Paths(String sharedDir, String localTempDir, String numactlPath,
                        String hostLogFile, String runnerLogFile) {}
    public record Database(String dbFile) {}
    public record Timing(int heartbeatInterval, int heartbeatTimeoutFactor, int cleanupCheckInterval,
                         int resourceCheckInterval, int dispatchWindow, int lostRequeueGrace) {}
    public record Environment(String runnerUser) {}
    public record Docker(String containerDir, String defaultContainerName, String initialBaseImage,
                         boolean tasksPrivileged, List<String> additionalMounts, boolean allowPrivileged,
                         List<String> allowedMountPrefixes, boolean allowDangerousMounts) {
        /**
         * The environment of tasks that name none, or null when the config says "NULL": such tasks then run without a
         * container, as with --container NULL (the demo's choice on a machine without Docker or an environment).
         */
        @Override public String defaultContainerName() {
            return defaultContainerName == null || defaultContainerName.equalsIgnoreCase("NULL") ? null : defaultContainerName;
        }
    }
    public record Runner(String name, String nullBackend, String stateDir, boolean allowRootTasks, int maxTasks) {}
    public record Security(String token, String tokenFile, boolean metricsPublic) {}
    /** Host-wide web hook: a JSON POST for every task (or whole batch) that ends; "" = none. */
    public record Notify(String webhook) {}

    public String hostUrl() {
        return "http://" + network.hostReachableAddress() + ":" + network.hostPort();
    }

    public Path sharedDir() { return Path.of(paths.sharedDir()).toAbsolutePath().normalize(); }
    public Path localTempDir() { return Path.of(paths.localTempDir()).toAbsolutePath().normalize(); }
    public Path dbFile() { return Path.of(database.dbFile()).toAbsolutePath().normalize(); }
    public Path containerDir() { return sharedDir().resolve(docker.containerDir()).normalize(); }
    public Path taskOutputsDir() { return sharedDir().resolve("task_outputs"); }
    public Path taskErrorsDir() { return sharedDir().resolve("task_errors"); }

    /** The Runner port of the original; a Runner on it is named after the machine alone. */
    public static final int DEFAULT_RUNNER_PORT = 8001;

    /**
     * Runner node name: [runner] name, else the machine's hostname, with "-PORT" when runner_port is not the default
     * 8001, so several Runners on one machine (the guide's runner1.toml/runner2.toml, ports 8001/8002) become distinct
     * nodes instead of the second being refused with 409 for a name the first already holds.
     */
    public String runnerName() {
        if (!runner.name().isBlank()) return runner.name().trim();
        String host = io.hakuriver.util.HostInfo.hostname();
        return network.runnerPort() == DEFAULT_RUNNER_PORT ? host : host + "-" + network.runnerPort();
    }

    public Path runnerStateDir() {
        if (!runner.stateDir().isBlank()) return Path.of(runner.stateDir()).toAbsolutePath().normalize();
        return localTempDir().resolve(".runner-state-" + network.runnerPort());
    }

    /** Default task limit of a node ([runner] max_tasks = 0): 4 per core, at least 8; it bounds 0-core tasks too. */
    public static int autoMaxTasks(int cores) { return Math.max(8, 4 * cores); }

    public long heartbeatTimeoutMillis() {
        return (long) timing.heartbeatInterval() * timing.heartbeatTimeoutFactor() * 1000L;
    }

    /** The shared token, or "" when the cluster is open. Read from token_file when set. */
    public String resolvedToken() {
        if (!security.tokenFile().isBlank()) {
            Path p = Path.of(security.tokenFile());
            try {
                String t = java.nio.file.Files.readAllLines(p).stream().map(String::trim)
                        .filter(s -> !s.isEmpty()).findFirst().orElse("");
                if (t.isEmpty()) throw new ConfigException("security.token_file " + p.toAbsolutePath() + " is empty: write the token on its first line");
                return t;
            } catch (java.io.IOException e) {
                throw new ConfigException("Cannot read security.token_file " + p.toAbsolutePath() + ": " + e
                        + ". Create it (chmod 600) or remove token_file from the config.");
            }
        }
        return security.token().trim();
    }
}
