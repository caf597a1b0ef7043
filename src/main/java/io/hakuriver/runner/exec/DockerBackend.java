package io.hakuriver.runner.exec;

import io.hakuriver.api.WireJson;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.docker.DockerApiException;
import io.hakuriver.docker.DockerEngine;
import io.hakuriver.docker.DockerUnavailableException;
import io.hakuriver.docker.EnvironmentNames;
import io.hakuriver.docker.ImageSync;
import io.hakuriver.docker.LogDemux;
import io.hakuriver.docker.MountPolicy;
import io.hakuriver.docker.TarballStore;
import io.hakuriver.util.JsonTree;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs each task as the container {@code hakuriver-task-<id>} through the Docker Engine API (no sudo, no shell on
 * the node; see {@link DockerEngine} for why the API and not the CLI). Start = sync the environment image, create,
 * start. A monitor thread per task copies the container's output into the task's log files, waits for the exit,
 * reads {@code State.OOMKilled} and removes the container (the {@code --rm} of the original, but after the state
 * has been read). Containers carry the labels {@code hakuriver.task-id} and {@code hakuriver.node}, so a restarted
 * Runner finds them again ({@link #discover}, {@link #recover}).
 */
public class DockerBackend implements ExecutionBackend {
    private static final Logger LOG = LoggerFactory.getLogger(DockerBackend.class);
    private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(20);

    private final HakuConfig config;
    private final DockerEngine engine;
    private final ImageSync sync;
    private volatile boolean closed;
    private final ExecutorService monitors = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "docker-task-monitor");
        t.setDaemon(true);
        return t;
    });

    public DockerBackend(HakuConfig config) { this(config, new DockerEngine()); }

    public DockerBackend(HakuConfig config, DockerEngine engine) {
        this.config = config;
        this.engine = engine;
        this.sync = new ImageSync(engine, new TarballStore(config.containerDir()));
    }

    public ImageSync imageSync() { return sync; }

    @Override public String name() { return "docker"; }

    @Override public Availability fingerprint() {
        return engine.ping() ? Availability.ok()
                : Availability.no("Docker engine unreachable at " + engine.endpoint() + " (is dockerd running, and may this user use its socket?)");
    }

    @Override public RunningTask start(TaskSpec spec) throws Exception {
        String env = EnvironmentNames.fromImage(spec.dockerImage());
        if (env == null) throw new IllegalArgumentException("Docker tasks run environment images named hakuriver/<env>:base, not '" + spec.dockerImage() + "'.");
        List<MountPolicy.Mount> mounts = MountPolicy.validateOnNode(spec.mounts(), config.docker());
        Map<String, Object> body = TaskContainerSpec.build(spec, mounts, config.runnerName());
        String name = TaskContainerSpec.containerName(spec.taskId());
        CompletableFuture<TaskOutcome> done = new CompletableFuture<>();
        RunningTask task = new RunningTask(spec.taskId(), name(), name, done);
        DockerEngine.Stream attached = null;
        try {
            prepareFiles(spec);
            sync.ensure(env);
            if (!create(name, body)) {
                // The image vanished since the sync checked it (e.g. removed by hand): sync again, once.
                sync.forget(env);
                sync.ensure(env);
                if (!create(name, body)) throw new IOException("Image " + spec.dockerImage() + " is missing after loading it.");
            }
            attached = attach(name);
            try {
                engine.expect("POST", "/containers/" + name + "/start", null, CONTROL_TIMEOUT, 304);
            } catch (DockerApiException e) {
                if (attached != null) attached.close();
                remove(name);
                throw new IOException(startFailure(spec, name, e.engineMessage()));
            }
        } catch (DockerUnavailableException e) {
            if (attached != null) attached.close();
            return failed(task, spec, "Docker engine unreachable: " + e.getMessage());
        } catch (IOException e) {
            if (attached != null) attached.close();
            return failed(task, spec, e.getMessage());
        }
        Path out = spec.stdoutFile(), err = spec.stderrFile();
        DockerEngine.Stream output = attached;
        monitors.execute(() -> monitor(name, output, out, err, spec.memoryBytes(), done));
        return task;
    }

    /**
     * Why a container did not start, in words a user can act on. An engine without NVIDIA support answers a GPU
     * request with "could not select device driver "nvidia" with capabilities: [[gpu]]", which names neither the
     * cause nor the fix.
     */
    static String startFailure(TaskSpec spec, String name, String engineMessage) {
        String m = engineMessage == null ? "" : engineMessage;
        if (!spec.gpus().isEmpty() && (m.contains("could not select device driver") || m.contains("nvidia-container-cli")
                || m.contains("unknown or invalid runtime name: nvidia"))) {
            return "Container " + name + " needs GPU(s) " + GpuEnvironment.ids(spec.gpus()) + " but the Docker engine on this node has no"
                    + " NVIDIA GPU support: install the NVIDIA Container Toolkit (package nvidia-container-toolkit), run"
                    + " `nvidia-ctk runtime configure --runtime=docker` and restart dockerd. Engine said: " + m;
        }
        return "Container " + name + " could not start: " + m;
    }

    private RunningTask failed(RunningTask task, TaskSpec spec, String message) {
        LOG.warn("Task {} did not start: {}", spec.taskId(), message);
        if (spec.stderrFile() != null) {
            try { Files.writeString(spec.stderrFile(), "HakuRiver: " + message + "\n", StandardCharsets.UTF_8); } catch (IOException ignored) { }
        }
        task.completion().complete(TaskOutcome.launchFailed(message));
        return task;
    }

    private void prepareFiles(TaskSpec spec) throws IOException {
        Files.createDirectories(spec.sharedDir().resolve("shared_data"));
        Files.createDirectories(spec.localTempDir());
        for (Path p : new Path[]{spec.stdoutFile(), spec.stderrFile()}) {
            if (p == null) continue;
            Files.createDirectories(p.toAbsolutePath().getParent());
            Files.write(p, new byte[0]); // truncate now: the Host may serve the log while the task runs
        }
    }

    /** Creates the container; false when the image does not exist. */
    private boolean create(String name, Map<String, Object> body) throws IOException {
        String path = "/containers/create?name=" + DockerEngine.q(name);
        DockerEngine.Response r = engine.call("POST", path, body, CONTROL_TIMEOUT);
        if (r.status() == 409) {
            // A leftover of an earlier attempt (e.g. a Runner crash before cleanup): replace it unless it runs.
            Object st = inspectState(name);
            if (JsonTree.isTrue(JsonTree.at(st, "Running")))
                throw new IOException("A container named " + name + " is already running on this node.");
            remove(name);
            r = engine.call("POST", path, body, CONTROL_TIMEOUT);
        }
        if (r.status() == 404) return false;
        if (!r.ok()) throw new IOException("Creating container " + name + " failed: " + DockerApiException.from(r.status(), r.text(), "create").engineMessage());
        return true;
    }

    /** Copies output until the container stops, then reads its state, removes it and completes {@code done}. */
    /**
     * Attaches to the output before the start, as {@code docker run} does: the stream ends the moment the container
     * exits (a logs-follow stream ends noticeably later). Null when the engine refuses; the logs endpoint is used then.
     */
    private DockerEngine.Stream attach(String name) throws IOException {
        try {
            return engine.hijack("/containers/" + name + "/attach?stream=1&stdout=1&stderr=1", Map.of());
        } catch (DockerUnavailableException e) {
            throw e;
        } catch (IOException e) {
            LOG.debug("attach to {} failed, will follow its logs instead: {}", name, e.getMessage());
            return null;
        }
    }

    private void monitor(String name, DockerEngine.Stream attached, Path stdout, Path stderr, Long memoryBytes, CompletableFuture<TaskOutcome> done) {
        try {
            if (attached != null) copyAttached(name, attached, stdout, stderr);
            else copyLogs(name, stdout, stderr);
            int code = waitForExit(name);
            // Only a failed task needs the state (OOM flag, engine error); a clean exit 0 is success either way.
            Object state = code == 0 ? null : inspectState(name);
            boolean oom = JsonTree.isTrue(JsonTree.at(state, "OOMKilled"));
            // the engine sets OOMKilled from the kernel's OOM event, which can arrive after the exit (seen with
            // Docker 20.10 on cgroup v2): a SIGKILLed container with a memory limit is asked again, briefly
            for (int i = 0; i < 5 && !oom && code == 137 && memoryBytes != null && memoryBytes > 0; i++) {
                Thread.sleep(100);
                state = inspectState(name);
                oom = JsonTree.isTrue(JsonTree.at(state, "OOMKilled"));
            }
            String error = JsonTree.text(JsonTree.at(state, "Error"), "");
            if (oom) {
                done.complete(TaskOutcome.oom(code, "Killed by the out-of-memory killer: the container exceeded its memory limit"
                        + (memoryBytes != null && memoryBytes > 0 ? " of " + memoryBytes + " bytes" : "") + "."));
            } else if (code == 0) {
                done.complete(TaskOutcome.exited(0));
            } else {
                done.complete(new TaskOutcome(code, false, "Container exited with code " + code + "." + (error.isEmpty() ? "" : " " + error)));
            }
            // Removed after the outcome was handed over (saves a round trip of latency); should this Runner die in
            // between, the next one finds the exited container, reports the same outcome again and removes it.
            remove(name);
        } catch (Exception e) {
            if (closed) return; // Runner shutdown: the container keeps running, the next Runner recovers it
            LOG.error("Lost track of container {}", name, e);
            done.complete(new TaskOutcome(null, false, "Lost track of container " + name + ": " + e.getMessage()));
        }
    }

    private void copyAttached(String name, DockerEngine.Stream attached, Path stdout, Path stderr) {
        try (attached; OutputStream o = logFile(stdout); OutputStream e = logFile(stderr)) {
            LogDemux.copy(attached.body(), o, e);
        } catch (IOException ex) {
            if (!closed) LOG.warn("Copying the output of {} stopped: {}", name, ex.toString());
        }
    }

    private void copyLogs(String name, Path stdout, Path stderr) {
        try (OutputStream o = logFile(stdout); OutputStream e = logFile(stderr);
             DockerEngine.Stream s = engine.open("GET", "/containers/" + name + "/logs?follow=1&stdout=1&stderr=1", null, null, Map.of(), null)) {
            if (s.status() == 200) LogDemux.copy(s.body(), o, e);
            else LOG.warn("Output of {} is not available (logs answered {}): {}", name, s.status(), new String(s.body().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException ex) {
            if (!closed) LOG.warn("Copying the output of {} stopped: {}", name, ex.toString());
        }
    }

    private static OutputStream logFile(Path p) throws IOException {
        if (p == null) return OutputStream.nullOutputStream();
        Files.createDirectories(p.toAbsolutePath().getParent());
        return Files.newOutputStream(p, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }

    /** POST /wait; retried while the engine restarts (a container outlives a daemon restart only with live-restore). */
    private int waitForExit(String name) throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < 30; attempt++) {
            try (DockerEngine.Stream s = engine.open("POST", "/containers/" + name + "/wait", null, "application/json", Map.of(), null)) {
                String text = new String(s.body().readAllBytes(), StandardCharsets.UTF_8);
                if (s.status() == 200) return (int) JsonTree.whole(JsonTree.at(WireJson.parse(text), "StatusCode"), -1);
                throw DockerApiException.from(s.status(), text, "wait " + name);
            } catch (DockerUnavailableException e) {
                last = e;
                Thread.sleep(2000);
            }
        }
        throw last;
    }

    /** The container's State object; null when there is no such container. */
    private Object inspectState(String name) throws IOException {
        DockerEngine.Response r = engine.call("GET", "/containers/" + name + "/json", null, CONTROL_TIMEOUT);
        if (r.status() == 404) return null;
        if (!r.ok()) throw DockerApiException.from(r.status(), r.text(), "inspect " + name);
        return JsonTree.at(r.value(), "State");
    }

    private void remove(String name) {
        try { engine.call("DELETE", "/containers/" + name + "?force=1&v=1", null, CONTROL_TIMEOUT); }
        catch (IOException e) { LOG.warn("Could not remove container {}: {}", name, e.getMessage()); }
    }

    @Override public void kill(RunningTask task) throws Exception {
        String name = task.handle();
        DockerEngine.Response r = engine.call("POST", "/containers/" + name + "/kill?signal=KILL", null, CONTROL_TIMEOUT);
        if (r.ok() || r.status() == 404) return;
        Object st = inspectState(name);
        if (!JsonTree.isTrue(JsonTree.at(st, "Running"))) return; // already finished: kill is idempotent
        if (JsonTree.isTrue(JsonTree.at(st, "Paused"))) { // older engines refuse to kill a frozen container
            engine.expect("POST", "/containers/" + name + "/unpause", null, CONTROL_TIMEOUT, 409);
            engine.expect("POST", "/containers/" + name + "/kill?signal=KILL", null, CONTROL_TIMEOUT, 404, 409);
            return;
        }
        throw DockerApiException.from(r.status(), r.text(), "kill " + name);
    }

    @Override public void pause(RunningTask task) throws Exception {
        engine.expect("POST", "/containers/" + task.handle() + "/pause", null, CONTROL_TIMEOUT);
    }

    @Override public void resume(RunningTask task) throws Exception {
        engine.expect("POST", "/containers/" + task.handle() + "/unpause", null, CONTROL_TIMEOUT);
    }

    @Override public Optional<RunningTask> recover(long taskId, String handle) throws Exception {
        String name = handle == null || handle.isBlank() ? TaskContainerSpec.containerName(taskId) : handle;
        if (!name.equals(TaskContainerSpec.containerName(taskId))) throw new IllegalArgumentException("Handle " + handle + " is not the container of task " + taskId);
        DockerEngine.Response r = engine.call("GET", "/containers/" + name + "/json", null, CONTROL_TIMEOUT);
        if (r.status() == 404) return Optional.empty();
        if (!r.ok()) throw DockerApiException.from(r.status(), r.text(), "inspect " + name);
        Object c = r.value();
        Object labels = JsonTree.at(c, "Config", "Labels");
        if (!Long.toString(taskId).equals(JsonTree.text(JsonTree.at(labels, TaskContainerSpec.LABEL_TASK_ID), ""))) return Optional.empty();
        Path out = Path.of(JsonTree.text(JsonTree.at(labels, TaskContainerSpec.LABEL_STDOUT), config.taskOutputsDir().resolve(taskId + ".out").toString()));
        Path err = Path.of(JsonTree.text(JsonTree.at(labels, TaskContainerSpec.LABEL_STDERR), config.taskErrorsDir().resolve(taskId + ".err").toString()));
        long mem = JsonTree.whole(JsonTree.at(c, "HostConfig", "Memory"), 0);
        CompletableFuture<TaskOutcome> done = new CompletableFuture<>();
        // The whole log is kept by the engine until removal, so the files are rewritten complete.
        monitors.execute(() -> monitor(name, null, out, err, mem, done));
        LOG.info("Re-attached to container {} ({})", name, JsonTree.text(JsonTree.at(c, "State", "Status"), ""));
        return Optional.of(new RunningTask(taskId, name(), name, done));
    }

    /**
     * Stops watching containers without touching them (Runner shutdown): they keep running and a later Runner
     * re-attaches through {@link #discover}/{@link #recover}.
     */
    public void close() { closed = true; monitors.shutdownNow(); }

    @Override public Map<Long, String> discover(String runnerName) throws Exception {
        String filters = "{\"label\":[\"" + TaskContainerSpec.LABEL_NODE + "=" + runnerName.replace("\"", "") + "\"]}";
        Object list = engine.expectValue("GET", "/containers/json?all=1&filters=" + DockerEngine.q(filters), null, CONTROL_TIMEOUT);
        Map<Long, String> found = new LinkedHashMap<>();
        for (Object c : list instanceof List<?> l ? l : List.of()) {
            String id = JsonTree.text(JsonTree.at(c, "Labels", TaskContainerSpec.LABEL_TASK_ID), "");
            String name = JsonTree.text(JsonTree.at(c, "Names", 0), "").replaceFirst("^/", "");
            try { found.put(Long.parseLong(id), name); } catch (NumberFormatException ignored) { /* not one of ours */ }
        }
        return found;
    }
}
