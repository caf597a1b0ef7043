package io.hakuriver.runner.exec;

import io.hakuriver.config.HakuConfig;
import java.util.Optional;

/** Docker task backend. PLACEHOLDER owned by the Docker work. */
public class DockerBackend implements ExecutionBackend {
    public DockerBackend(HakuConfig config) {}
    @Override public String name() { return "docker"; }
    @Override public Availability fingerprint() { return Availability.no("Docker backend not built yet"); }
    @Override public RunningTask start(TaskSpec spec) { throw new UnsupportedOperationException("Docker backend not built yet"); }
    @Override public void kill(RunningTask task) {}
    @Override public void pause(RunningTask task) {}
    @Override public void resume(RunningTask task) {}
    @Override public Optional<RunningTask> recover(long taskId, String handle) { return Optional.empty(); }
}
