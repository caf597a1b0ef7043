package io.hakuriver.runner.exec;

import io.hakuriver.config.HakuConfig;
import java.util.Optional;

/** systemd-run --scope task backend. PLACEHOLDER owned by the systemd work. */
public class SystemdScopeBackend implements ExecutionBackend {
    public SystemdScopeBackend(HakuConfig config) {}
    @Override public String name() { return "systemd"; }
    @Override public Availability fingerprint() { return Availability.no("systemd backend not built yet"); }
    @Override public RunningTask start(TaskSpec spec) { throw new UnsupportedOperationException("systemd backend not built yet"); }
    @Override public void kill(RunningTask task) {}
    @Override public void pause(RunningTask task) {}
    @Override public void resume(RunningTask task) {}
    @Override public Optional<RunningTask> recover(long taskId, String handle) { return Optional.empty(); }
}
