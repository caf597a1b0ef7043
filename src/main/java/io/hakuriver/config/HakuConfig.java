package io.hakuriver.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The merged, validated configuration. Field names follow the TOML keys of the original HakuRiver so that a
 * reader can map them 1:1. Paths are kept as written; {@link #sharedDir()} etc. resolve them.
 */
public record HakuConfig(Network network, Paths paths, Database database, Timing timing,
                         Environment environment, Docker docker, Runner runner, Security security,
                         Gpu gpu, Notify notifications, List<Path> sources) {

    public record Network(String hostBindIp, int hostPort, String hostReachableAddress,
                          String runnerAddress, int runnerPort, String runnerBindIp, String hostAdvertiseAddress) {}
    public record Paths(String sharedDir, String localTempDir, String numactlPath,
                        String hostLogFile, String runnerLogFile) {}
    /**
     * {@code url} empty: SQLite at {@code dbFile}. Otherwise PostgreSQL; its password comes from HAKURIVER_DB_PASSWORD
     * or {@code passwordFile}, never from the config text. {@code lease}: seconds of leadership without renewal.
     */
    public record Database(String dbFile, String url, String passwordFile, int lease) {
        public boolean postgres() { return url != null && !url.isBlank(); }
    }
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
    /**
     * GPU discovery and sharing on a Runner: {@code nvidiaSmi} is the nvidia-smi to run ("" = no discovery, the node
     * has no GPUs); {@code sharesPerGpu} is how many {@code --gpu-share} tasks may hold one GPU at once.
     */
    public record Gpu(String nvidiaSmi, int sharesPerGpu) {}
    /** Host-wide web hook: a JSON POST for every task (or whole batch) that ends; "" = none. */
    public record Notify(String webhook) {}

    /** The first Host's URL (the only one unless host_reachable_address lists a standby). */
    public String hostUrl() { return hostUrls().get(0); }

    /**
     * Every Host runners and clients may reach: host_reachable_address split at commas, each entry with host_port
     * unless it carries its own ":port" (two Hosts on one machine). The leader among them is found by asking.
     */
    public List<String> hostUrls() {
        List<String> out = new java.util.ArrayList<>();
        for (String a : network.hostReachableAddress().split(",")) {
            a = a.trim();
            if (a.isEmpty()) continue;
            if (a.matches("(\\[.*]|[^:]+):\\d+")) out.add("http://" + a);                    // name:port, [v6]:port
            else out.add("http://" + (a.contains(":") && !a.startsWith("[") ? "[" + a + "]" : a) + ":" + network.hostPort());
        }
        if (out.isEmpty()) out.add("http://127.0.0.1:" + network.hostPort());
        return List.copyOf(out);
    }

    /** This Host's own URL as others reach it: what /healthz and the standby name as the leader. */
    public String advertisedUrl() {
        String a = network.hostAdvertiseAddress() == null ? "" : network.hostAdvertiseAddress().trim();
        if (a.isEmpty()) return "http://" + io.hakuriver.util.HostInfo.hostname() + ":" + network.hostPort();
        return a.startsWith("http://") || a.startsWith("https://") ? a : "http://" + (a.contains(":") ? a : a + ":" + network.hostPort());
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
