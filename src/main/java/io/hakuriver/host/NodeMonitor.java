package io.hakuriver.host;

import io.hakuriver.api.TaskStatus;
import io.hakuriver.store.NodeRecord;
import io.hakuriver.store.TaskRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Marks nodes offline after heartbeat_interval × timeout_factor of silence, and their tasks lost (spec §5.4). */
final class NodeMonitor {
    private static final Logger log = LoggerFactory.getLogger(NodeMonitor.class);
    private final ClusterState state;

    NodeMonitor(ClusterState state) { this.state = state; }

    void checkSafely() {
        try { check(); } catch (RuntimeException e) { log.warn("node check failed (will retry): {}", e.toString()); }
    }

    void check() {
        long timeout = state.config.heartbeatTimeoutMillis();
        Instant now = Instant.now();
        synchronized (state.lock()) {
            for (NodeRecord n : state.nodes()) {
                if (!n.online() || n.lastHeartbeat == null) continue;
                if (Duration.between(n.lastHeartbeat, now).toMillis() <= timeout) continue;
                n.status = "offline";
                state.saveNode(n);
                int lost = 0;
                for (TaskRecord t : new ArrayList<>(state.activeTasks())) {
                    if (!n.hostname.equals(t.assignedNode)) continue;
                    if (t.status == TaskStatus.ASSIGNING || t.status == TaskStatus.RUNNING || t.status == TaskStatus.PAUSED) {
                        state.transition(t, TaskStatus.LOST, r -> { r.exitCode = -1;
                            r.errorMessage = "Node " + n.hostname + " went offline (heartbeat timeout)."; });
                        lost++;
                    }
                }
                log.warn("Node {} went offline (no heartbeat for {} s); {} task(s) marked lost", n.hostname, timeout / 1000, lost);
            }
            List<Runnable> next = state.schedule();
            ClusterState.send(next); // dispatches are async; safe to start here
        }
    }
}
