package io.hakuriver.host;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The Host's periodic duties: notice its own stalls, expire silent nodes (spec §5.4), write rows whose earlier
 * write failed, and let the scheduler look again once deferred nodes may take work.
 */
final class NodeMonitor {
    private static final Logger log = LoggerFactory.getLogger(NodeMonitor.class);
    private final ClusterState state;

    NodeMonitor(ClusterState state) { this.state = state; }

    /** Every second: stall detection, deferred nodes, unwritten rows. */
    void tickSafely() { run(false); }

    /** Every cleanup_check_interval: the above, plus heartbeat timeouts. */
    void checkSafely() { run(true); }

    private void run(boolean expire) {
        List<Runnable> next;
        try {
            synchronized (state.lock()) {
                state.observeClock(); // first: a Host that was frozen must not blame the nodes for it
                state.flushDirty();
                if (expire) state.expireNodes();
                next = state.schedule();
            }
        } catch (RuntimeException e) {
            log.warn("periodic check failed (will retry): {}", e.toString());
            return;
        }
        ClusterState.send(next);
    }
}
