package io.hakuriver.runner;

import io.hakuriver.api.NumaNode;
import io.hakuriver.api.RunRequest;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.docker.MountPolicy;
import io.hakuriver.runner.exec.BackendRegistry;
import io.hakuriver.systemd.UnixUsers;

import java.util.Map;
import java.util.function.Supplier;

/**
 * What this node allows, checked by the Runner on every {@code /run} whatever the Host sent: anyone holding the
 * token can call the Runner directly, so the Host's checks at submit time are not enough. A refusal is a 422 with
 * the reason, which the Host records as the task's failure ({@code host/DispatchOutcome}).
 */
final class RunPolicy {
    private final HakuConfig config;
    private final boolean runnerIsRoot;
    private final int totalCores;
    private final long totalRam;
    private final Supplier<Map<String, NumaNode>> numa;

    /** Cores and memory as the Runner registered them: what the Host places against. */
    RunPolicy(HakuConfig config, boolean runnerIsRoot, int totalCores, long totalRam,
              Supplier<Map<String, NumaNode>> numa) {
        this.config = config;
        this.runnerIsRoot = runnerIsRoot;
        this.totalCores = totalCores;
        this.totalRam = totalRam;
        this.numa = numa;
    }

    /** Why this node refuses the task, or null when it may run. */
    String refusal(RunRequest r) {
        int cores = totalCores;
        if (r.requiredCores() > cores) {
            return "required_cores " + r.requiredCores() + " is more than the " + cores + " cores of node " + config.runnerName();
        }
        long ram = totalRam;
        if (r.requiredMemoryBytes() != null && ram > 0 && r.requiredMemoryBytes() > ram) {
            return "required_memory_bytes " + r.requiredMemoryBytes() + " is more than the " + ram + " bytes of memory of node " + config.runnerName();
        }
        if (r.targetNumaNodeId() != null) {
            Map<String, NumaNode> topo = numa.get();
            if (topo == null || !topo.containsKey(String.valueOf(r.targetNumaNodeId()))) {
                return "target_numa_node_id " + r.targetNumaNodeId() + " is not a NUMA node of " + config.runnerName()
                        + (topo == null || topo.isEmpty() ? " (it reports no NUMA topology)" : " (it has " + topo.keySet() + ")");
            }
        }
        return BackendRegistry.isNoContainer(r.dockerImageName()) ? processRefusal() : containerRefusal(r);
    }

    /** Root policy of the no-container backends (process, systemd scope). */
    private String processRefusal() {
        String user = config.environment().runnerUser().trim();
        if (user.isEmpty()) {
            if (runnerIsRoot && !config.runner().allowRootTasks()) {
                // the systemd backend's wording, quoted in docs/systemd.md
                return "Refusing to run tasks as root: the Runner runs as root and environment.runner_user is empty."
                        + " Set runner_user = \"<account>\" in the Runner's config (or runner.allow_root_tasks = true to accept root tasks).";
            }
            return null;
        }
        if (runnerIsRoot && !user.equals("root") && UnixUsers.byName(user).isEmpty()) {
            return "environment.runner_user '" + user + "' is not an account on node " + config.runnerName() + " (not in /etc/passwd)";
        }
        return null; // runner_user = "root" is an explicit choice
    }

    /** Privileged containers and bind mounts, as the node's own [docker] section allows them. */
    private String containerRefusal(RunRequest r) {
        HakuConfig.Docker d = config.docker();
        // tasks_privileged = true on the node means its admin made privileged containers the default
        if (r.dockerPrivileged() && !d.allowPrivileged() && !d.tasksPrivileged()) {
            return "Privileged task containers are disabled on node " + config.runnerName() + " (docker.allow_privileged = false)";
        }
        try {
            MountPolicy.validateOnNode(r.dockerAdditionalMounts(), d);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return null;
    }
}
