package io.hakuriver.config;

import java.util.List;

/** One known configuration key: section, name, type and built-in default (the original's defaults, plus ours). */
public record ConfigKey(String section, String name, Type type, Object defaultValue, String comment) {
    public enum Type {
        STRING("a string"), INT("an integer"), BOOL("a boolean (true/false)"), STRING_LIST("an array of strings");
        public final String description;
        Type(String d) { this.description = d; }
    }

    public String path() { return section + "." + name; }

    /** Every key we understand, in the order `hakuriver.init config` writes them. */
    public static final List<ConfigKey> ALL = List.of(
        new ConfigKey("network", "host_bind_ip", Type.STRING, "0.0.0.0", "Address the Host listens on."),
        new ConfigKey("network", "host_port", Type.INT, 8000L, "Host port; runners and clients connect to it."),
        new ConfigKey("network", "host_reachable_address", Type.STRING, "127.0.0.1", "Address runners and clients use to reach the Host; two Hosts on PostgreSQL: \"a,b\" (entries may carry :port), they follow the leader."),
        new ConfigKey("network", "host_advertise_address", Type.STRING, "", "host:port under which this Host is reached, shown as the leader (empty = this machine's name and host_port)."),
        new ConfigKey("network", "runner_address", Type.STRING, "127.0.1.1", "Address this Runner announces to the Host (set per node)."),
        new ConfigKey("network", "runner_port", Type.INT, 8001L, "Runner port (use different ports for several runners on one node)."),
        new ConfigKey("network", "runner_bind_ip", Type.STRING, "0.0.0.0", "Address the Runner listens on (new; the original always used 0.0.0.0)."),
        new ConfigKey("paths", "shared_dir", Type.STRING, "test/shared", "Shared filesystem root, same absolute path on every node."),
        new ConfigKey("paths", "local_temp_dir", Type.STRING, "test/temp", "Node-local scratch directory (/local_temp in containers)."),
        new ConfigKey("paths", "numactl_path", Type.STRING, "", "numactl executable; empty = numactl from PATH."),
        new ConfigKey("paths", "host_log_file", Type.STRING, "", "Optional log file for the Host (empty = stdout/journald only)."),
        new ConfigKey("paths", "runner_log_file", Type.STRING, "", "Optional log file for the Runner (empty = stdout/journald only)."),
        new ConfigKey("database", "db_file", Type.STRING, "test/cluster_management.db", "SQLite database file of the Host (used when url is empty)."),
        new ConfigKey("database", "url", Type.STRING, "", "PostgreSQL instead of SQLite: \"postgresql://user@host:5432/dbname\" (empty = SQLite at db_file)."),
        new ConfigKey("database", "password_file", Type.STRING, "", "File whose first line is the PostgreSQL password (HAKURIVER_DB_PASSWORD overrides it)."),
        new ConfigKey("database", "lease", Type.INT, 10L, "Seconds a Host on PostgreSQL holds the leadership without renewing it; a standby takes over after that."),
        new ConfigKey("timing", "heartbeat_interval", Type.INT, 5L, "Runner heartbeat period in seconds."),
        new ConfigKey("timing", "heartbeat_timeout_factor", Type.INT, 6L, "A node is offline after interval x factor seconds without heartbeat."),
        new ConfigKey("timing", "cleanup_check_interval", Type.INT, 10L, "Seconds between dead-runner checks on the Host."),
        new ConfigKey("timing", "resource_check_interval", Type.INT, 1L, "Accepted for compatibility; unused."),
        new ConfigKey("timing", "dispatch_window", Type.INT, 16L, "Most task starts the Host has in flight to one Runner at once; the rest wait in the Host's queue (back-pressure)."),
        new ConfigKey("timing", "lost_requeue_grace", Type.INT, 60L, "Seconds a lost task (its node went offline) waits for its node to come back before it is queued again as its next attempt; only tasks with --retries left."),
        new ConfigKey("environment", "runner_user", Type.STRING, "", "User that systemd-scope tasks run as (empty = the Runner's own user)."),
        new ConfigKey("docker", "container_dir", Type.STRING, "hakuriver-containers", "Sub-directory of shared_dir holding environment tarballs."),
        new ConfigKey("docker", "default_container_name", Type.STRING, "hakuriver-base", "Environment used when a task names none (\"NULL\" = such tasks run without a container, like --container NULL)."),
        new ConfigKey("docker", "initial_base_image", Type.STRING, "python:3.12.10-alpine3.21", "Image the default environment is created from (local image first, pull as fallback)."),
        new ConfigKey("docker", "tasks_privileged", Type.BOOL, false, "Default for running task containers with --privileged."),
        new ConfigKey("docker", "additional_mounts", Type.STRING_LIST, List.of(), "Default extra bind mounts for Docker tasks, \"host_path:container_path[:ro]\"."),
        new ConfigKey("docker", "allow_privileged", Type.BOOL, false, "Whether clients may request --privileged task containers."),
        new ConfigKey("docker", "allowed_mount_prefixes", Type.STRING_LIST, List.of(), "Host path prefixes clients may bind-mount (empty = any path except / and the Docker socket)."),
        new ConfigKey("docker", "allow_dangerous_mounts", Type.BOOL, false, "Allow mounting / or the Docker socket into task containers."),
        new ConfigKey("runner", "name", Type.STRING, "", "Node name of this Runner (empty = the machine's hostname, plus -PORT when runner_port is not 8001); must be unique in the cluster."),
        new ConfigKey("runner", "null_backend", Type.STRING, "auto", "Backend for --container NULL: auto (systemd when PID 1 is systemd, else process), systemd, process."),
        new ConfigKey("runner", "state_dir", Type.STRING, "", "Where the Runner keeps its task table and undelivered updates (empty = <local_temp_dir>/.runner-state-<port>)."),
        new ConfigKey("runner", "allow_root_tasks", Type.BOOL, false, "Allow tasks to run as root when the Runner itself runs as root and runner_user is empty."),
        new ConfigKey("runner", "max_tasks", Type.INT, 0L, "Most tasks this node runs at once, 0-core tasks included (0 = auto: 4 per core, at least 8). The Runner announces it to the Host."),
        new ConfigKey("gpu", "nvidia_smi", Type.STRING, "nvidia-smi", "nvidia-smi that discovers this Runner's NVIDIA GPUs (name on PATH or absolute path; \"\" = no GPU discovery). Missing or failing = a node without GPUs, with the reason in its health."),
        new ConfigKey("gpu", "shares_per_gpu", Type.INT, 1L, "How many tasks submitted with --gpu-share may hold one GPU of this Runner at once (1-64; tasks without --gpu-share always get a GPU to themselves)."),
        new ConfigKey("security", "token", Type.STRING, "", "Shared bearer token; when set every endpoint but /healthz requires it. Prefer token_file."),
        new ConfigKey("security", "token_file", Type.STRING, "", "File whose first line is the shared token (e.g. from an EnvironmentFile-managed secret)."),
        new ConfigKey("security", "metrics_public", Type.BOOL, false, "Serve GET /metrics (Prometheus) without the token, for a scraper that has none."),
        new ConfigKey("notify", "webhook", Type.STRING, "", "URL that gets a JSON POST when a task, or a whole batch, ends (retried with back-off; the token is never sent). Empty = none.")
    );

    public static ConfigKey find(String section, String name) {
        for (ConfigKey k : ALL) if (k.section.equals(section) && k.name.equals(name)) return k;
        return null;
    }
}
