package io.hakuriver.runner.exec;

import io.hakuriver.config.HakuConfig;
import io.hakuriver.util.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/** The Runner's backends by name, and the choice of backend for a task. */
public final class BackendRegistry {
    private static final Logger log = LoggerFactory.getLogger(BackendRegistry.class);
    private final Map<String, ExecutionBackend> byName = new LinkedHashMap<>();
    private final ExecutionBackend nullBackend;

    public BackendRegistry(HakuConfig config) {
        this(config, new ProcessBackend(config), new SystemdScopeBackend(config), new DockerBackend(config));
    }

    public BackendRegistry(HakuConfig config, ExecutionBackend process, ExecutionBackend systemd, ExecutionBackend docker) {
        byName.put(process.name(), process);
        byName.put(systemd.name(), systemd);
        byName.put(docker.name(), docker);
        this.nullBackend = switch (config.runner().nullBackend()) {
            case "systemd" -> systemd;
            case "process" -> process;
            default -> {
                if (HostInfo.systemdIsPid1() && systemd.fingerprint().available()) yield systemd;
                log.warn("--container NULL tasks run as plain processes on this node: {} (set [runner] null_backend to choose)",
                        HostInfo.systemdIsPid1() ? "systemd backend unavailable: " + systemd.fingerprint().reason() : "systemd is not PID 1");
                yield process;
            }
        };
    }

    public ExecutionBackend get(String name) { return byName.get(name); }
    public Iterable<ExecutionBackend> all() { return byName.values(); }

    /** Docker for tasks with an image; the configured no-container backend otherwise. */
    public ExecutionBackend forImage(String dockerImage) { return isNoContainer(dockerImage) ? nullBackend : byName.get("docker"); }

    /**
     * "", "NULL", or what a v0.1 Host sends for --container NULL: it formats the missing name into its image
     * pattern and sends "hakuriver/None:base" (its own bug), which means no container too.
     */
    public static boolean isNoContainer(String dockerImage) {
        return dockerImage == null || dockerImage.isBlank() || dockerImage.equalsIgnoreCase("NULL")
                || dockerImage.equals("hakuriver/None:base");
    }

    public ExecutionBackend nullBackend() { return nullBackend; }
}
