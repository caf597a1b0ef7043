package io.hakuriver.docker;

import io.hakuriver.config.HakuConfig;
import io.hakuriver.runner.exec.AssignedGpu;
import io.hakuriver.runner.exec.DockerBackend;
import io.hakuriver.runner.exec.RunningTask;
import io.hakuriver.runner.exec.TaskContainerSpec;
import io.hakuriver.runner.exec.TaskOutcome;
import io.hakuriver.runner.exec.TaskSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static io.hakuriver.docker.DockerFixture.docker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Docker task backend and the environment sync against the real engine, in this JVM (the multi-process flow
 * is DockerEndToEndIT). Environments are made with the Host's own EnvironmentService, as in production.
 */
class DockerBackendIT {
    static DockerFixture fx;
    static HakuConfig cfg;
    static String runner;
    static EnvironmentService host;
    static String env;

    @BeforeAll
    static void setUp() throws Exception {
        fx = new DockerFixture();
        runner = fx.runner("a");
        cfg = fx.config(runner, "");
        host = new EnvironmentService(new DockerEngine(), new TarballStore(cfg.containerDir()), new OperationProgress());
        env = fx.env("main");
        host.createContainer(DockerFixture.BASE_IMAGE, env);
        assertThat(docker("exec", env, "sh", "-c", "echo v1 > /marker").code()).isZero();
        host.createTar(env);
    }

    @AfterAll
    static void tearDown() { if (fx != null) fx.close(); }

    static long newId() { return 7_000_000_000_000_000_000L + ThreadLocalRandom.current().nextLong(1_000_000_000_000L); }

    static TaskSpec spec(long id, String command, List<String> args, Map<String, String> vars, int cores, Long mem,
                         Integer numa, List<Integer> numaCores, String environment, List<String> mounts) {
        return new TaskSpec(id, command, args, vars, cores, mem, numa, numaCores, "hakuriver/" + environment + ":base", false, mounts,
                cfg.taskOutputsDir().resolve(id + ".out"), cfg.taskErrorsDir().resolve(id + ".err"),
                cfg.sharedDir().resolve("shared_data"), cfg.sharedDir(), cfg.localTempDir());
    }

    static TaskOutcome outcome(RunningTask t) throws Exception { return t.completion().get(60, TimeUnit.SECONDS); }

    /**
     * This engine has no NVIDIA runtime, which is exactly the error case: the task fails with what to install. The
     * create body the backend sends is then created on the real engine and inspected there.
     */
    @Test
    void aGpuTaskAsksForItsDevicesAndAnEngineWithoutNvidiaSupportFailsItClearly() throws Exception {
        DockerEngine engine = new DockerEngine();
        boolean nvidia = engine.expect("GET", "/info", null, java.time.Duration.ofSeconds(20)).path("Runtimes").has("nvidia");
        long id = newId();
        TaskSpec s = spec(id, "nvidia-smi", List.of("-L"), Map.of(), 0, null, null, List.of(), env, List.of());
        TaskSpec gpu = new TaskSpec(s.taskId(), s.command(), s.arguments(), s.env(), 0, null, null, List.of(), s.dockerImage(), false,
                List.of(), s.stdoutFile(), s.stderrFile(), s.workDir(), s.sharedDir(), s.localTempDir(),
                List.of(new AssignedGpu(1, "GPU-fake-1", 1), new AssignedGpu(3, "", 3)));
        if (!nvidia) {
            TaskOutcome o = outcome(new DockerBackend(cfg).start(gpu));
            assertThat(o.exitCode()).isNull();
            assertThat(o.message()).contains("needs GPU(s) GPU-fake-1,3", "no NVIDIA GPU support", "nvidia-container-toolkit",
                    "nvidia-ctk runtime configure --runtime=docker", "could not select device driver");
            assertThat(Files.readString(cfg.taskErrorsDir().resolve(id + ".err"))).contains("NVIDIA Container Toolkit");
            assertThat(docker("ps", "-a", "--filter", "name=hakuriver-task-" + id, "--format", "{{.Names}}").out()).isEmpty();
        }
        String name = "hakuriver-task-" + id;
        engine.expect("POST", "/containers/create?name=" + name, TaskContainerSpec.build(gpu, List.of(), runner), java.time.Duration.ofSeconds(20));
        try {
            var hc = engine.expect("GET", "/containers/" + name + "/json", null, java.time.Duration.ofSeconds(20)).path("HostConfig");
            var req = hc.path("DeviceRequests");
            assertThat(req.size()).isEqualTo(1);
            assertThat(req.get(0).path("Driver").asText()).isEqualTo("nvidia");
            assertThat(req.get(0).path("DeviceIDs").toString()).isEqualTo("[\"GPU-fake-1\",\"3\"]");
            assertThat(req.get(0).path("Capabilities").toString()).isEqualTo("[[\"gpu\"]]");
            var envList = engine.expect("GET", "/containers/" + name + "/json", null, java.time.Duration.ofSeconds(20)).path("Config").path("Env").toString();
            assertThat(envList).contains("NVIDIA_VISIBLE_DEVICES=GPU-fake-1,3", "HAKURIVER_GPUS=1,3");
        } finally {
            engine.call("DELETE", "/containers/" + name + "?force=1", null, java.time.Duration.ofSeconds(20));
        }
    }

    @Test
    void runsATaskWithVariablesMountsAndOutputFiles() throws Exception {
        DockerBackend b = new DockerBackend(cfg);
        Path data = Files.createDirectories(fx.root.resolve("data"));
        Files.writeString(data.resolve("input.txt"), "from-the-node");
        long id = newId();
        RunningTask t = b.start(spec(id, "sh", List.of("-c",
                "cat /marker; echo \"FOO=$FOO\"; echo \"$HAKURIVER_SHARED_DIR $HAKURIVER_LOCAL_TEMP_DIR $HAKURIVER_TASK_ID\"; "
                        + "cat /data/input.txt; echo; pwd; echo result > /shared/out-$HAKURIVER_TASK_ID.txt; echo oops >&2; "
                        + "touch /data/x 2>/dev/null || echo read-only; exit 3"),
                Map.of("FOO", "bar baz"), 0, null, null, List.of(), env, List.of(data + ":/data:ro")));
        TaskOutcome o = outcome(t);
        assertThat(o.exitCode()).isEqualTo(3);
        assertThat(o.oomKilled()).isFalse();
        assertThat(o.message()).contains("exited with code 3");
        assertThat(Files.readString(cfg.taskOutputsDir().resolve(id + ".out"))).isEqualTo(
                "v1\nFOO=bar baz\n/shared /local_temp " + id + "\nfrom-the-node\n/shared\nread-only\n");
        assertThat(Files.readString(cfg.taskErrorsDir().resolve(id + ".err"))).isEqualTo("oops\n");
        assertThat(Files.readString(cfg.sharedDir().resolve("shared_data").resolve("out-" + id + ".txt"))).isEqualTo("result\n");
        await("the container is removed after its state was read").atMost(10, TimeUnit.SECONDS)
                .until(() -> docker("ps", "-a", "--filter", "name=hakuriver-task-" + id, "--format", "{{.Names}}").out().isEmpty());
    }

    @Test
    void limitsAndLabelsAreVisibleInDockerInspectAndPauseResumeKillWork() throws Exception {
        DockerBackend b = new DockerBackend(cfg);
        long id = newId();
        RunningTask t = b.start(spec(id, "sleep", List.of("60"), Map.of(), 1, 64L * 1024 * 1024, 0, List.of(0), env, List.of()));
        String name = "hakuriver-task-" + id;
        assertThat(t.handle()).isEqualTo(name);
        String inspect = docker("inspect", "-f",
                "{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.CpusetCpus}} {{.HostConfig.CpusetMems}} "
                        + "{{.HostConfig.Privileged}} {{index .Config.Labels \"hakuriver.task-id\"}} {{index .Config.Labels \"hakuriver.node\"}} {{.Config.WorkingDir}}",
                name).out();
        assertThat(inspect).isEqualTo("1000000000 67108864 67108864 0 0 false " + id + " " + runner + " /shared");
        assertThat(docker("inspect", "-f", "{{json .Config.Env}}", name).out()).contains("HAKURIVER_TARGET_NUMA_NODE=0", "HAKURIVER_SHARED_DIR=/shared");

        b.pause(t);
        assertThat(docker("inspect", "-f", "{{.State.Paused}}", name).out()).isEqualTo("true");
        b.resume(t);
        assertThat(docker("inspect", "-f", "{{.State.Paused}} {{.State.Running}}", name).out()).isEqualTo("false true");
        b.pause(t);
        b.kill(t); // killing a paused task works too
        TaskOutcome o = outcome(t);
        assertThat(o.exitCode()).isEqualTo(137);
        assertThat(o.oomKilled()).isFalse();
        b.kill(t); // idempotent
        await().atMost(10, TimeUnit.SECONDS).until(() -> docker("ps", "-a", "--filter", "name=" + name, "--format", "{{.Names}}").out().isEmpty());
    }

    @Test
    void anOutOfMemoryKillIsReportedAsSuch() throws Exception {
        DockerBackend b = new DockerBackend(cfg);
        long id = newId();
        // dd allocates and fills a 256 MiB buffer in a container limited to 16 MiB (and no swap)
        RunningTask t = b.start(spec(id, "dd", List.of("if=/dev/zero", "of=/dev/null", "bs=256M", "count=1"), Map.of(), 0,
                16L * 1024 * 1024, null, List.of(), env, List.of()));
        TaskOutcome o = outcome(t);
        assertThat(o.oomKilled()).isTrue();
        assertThat(o.exitCode()).isEqualTo(137);
        assertThat(o.message()).contains("out-of-memory", "16777216 bytes");
    }

    @Test
    void shellSyntaxRunsInsideTheContainerNeverOnTheNode() throws Exception {
        DockerBackend b = new DockerBackend(cfg);
        long id = newId();
        Path canary = Path.of("/tmp/hakuriver-canary-" + fx.runId);
        RunningTask t = b.start(spec(id, "touch " + canary + "; echo inside $(id -u)", List.of("a;b"), Map.of(), 0, null, null, List.of(), env, List.of()));
        TaskOutcome o = outcome(t);
        assertThat(o.exitCode()).isZero();
        assertThat(Files.readString(cfg.taskOutputsDir().resolve(id + ".out"))).isEqualTo("inside 0 a;b\n");
        assertThat(canary).doesNotExist();
    }

    @Test
    void aDockerEngineThatIsDownGivesAClearFailure() throws Exception {
        DockerBackend b = new DockerBackend(cfg, new DockerEngine("unix://" + fx.root.resolve("no-docker.sock")));
        assertThat(b.fingerprint().available()).isFalse();
        assertThat(b.fingerprint().reason()).contains("Docker engine unreachable");
        long id = newId();
        TaskOutcome o = outcome(b.start(spec(id, "true", List.of(), Map.of(), 0, null, null, List.of(), env, List.of())));
        assertThat(o.exitCode()).isNull();
        assertThat(o.message()).startsWith("Docker engine unreachable: ");
        assertThat(Files.readString(cfg.taskErrorsDir().resolve(id + ".err"))).contains("Docker engine unreachable");
    }

    @Test
    void aMissingEnvironmentOrDangerousMountIsRefusedClearly() throws Exception {
        DockerBackend b = new DockerBackend(cfg);
        TaskOutcome o = outcome(b.start(spec(newId(), "true", List.of(), Map.of(), 0, null, null, List.of(), "e-" + fx.runId + "-missing", List.of())));
        assertThat(o.message()).contains("no tarball", "create-tar");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.start(spec(newId(), "true", List.of(), Map.of(), 0, null, null, List.of(), env,
                List.of("/var/run/docker.sock:/var/run/docker.sock")))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allow_dangerous_mounts");
    }

    @Test
    void aRestartedRunnerFindsAndReattachesItsRunningContainer() throws Exception {
        DockerBackend first = new DockerBackend(cfg);
        long id = newId();
        RunningTask t = first.start(spec(id, "sh", List.of("-c", "echo before; sleep 4; echo after; exit 5"), Map.of(), 0, null, null, List.of(), env, List.of()));
        await().atMost(10, TimeUnit.SECONDS).until(() -> Files.readString(cfg.taskOutputsDir().resolve(id + ".out")).contains("before"));
        first.close(); // the old Runner goes away; its container keeps running
        assertThat(t.completion().isDone()).isFalse();

        DockerBackend second = new DockerBackend(cfg);
        Map<Long, String> found = second.discover(runner);
        assertThat(found).containsEntry(id, "hakuriver-task-" + id);
        RunningTask again = second.recover(id, found.get(id)).orElseThrow();
        TaskOutcome o = outcome(again);
        assertThat(o.exitCode()).isEqualTo(5);
        assertThat(Files.readString(cfg.taskOutputsDir().resolve(id + ".out"))).isEqualTo("before\nafter\n");
        await().atMost(10, TimeUnit.SECONDS).until(() -> !second.discover(runner).containsKey(id));
        assertThat(second.recover(id, "hakuriver-task-" + id)).isEmpty();
    }

    @Test
    void newTarballsAreLoadedOnceAndUnchangedOnesNeverAgain() throws Exception {
        String e2 = fx.env("sync");
        host.createContainer(DockerFixture.BASE_IMAGE, e2);
        docker("exec", e2, "sh", "-c", "echo one > /marker");
        host.createTar(e2);
        DockerBackend b = new DockerBackend(cfg);
        // The Host shares this engine, so drop its committed image: the task must come from the tarball.
        assertThat(docker("rmi", "hakuriver/" + e2 + ":base").code()).isZero();

        assertThat(runCat(b, e2)).isEqualTo("one\n");
        assertThat(b.imageSync().loadCount()).isEqualTo(1);
        assertThat(runCat(b, e2)).isEqualTo("one\n");
        assertThat(b.imageSync().loadCount()).as("unchanged tarball: no second load").isEqualTo(1);
        // A new Runner process (fresh state) also sees that the engine already has this content.
        DockerBackend restarted = new DockerBackend(cfg);
        assertThat(runCat(restarted, e2)).isEqualTo("one\n");
        assertThat(restarted.imageSync().loadCount()).isZero();

        // Clocks differ: the same content under a much later timestamp is still not loaded again.
        TarballStore store = new TarballStore(cfg.containerDir());
        TarballStore.Version v = store.versions(e2).get(0);
        Path future = v.file().resolveSibling(e2 + "-9999999999.tar");
        Files.move(v.digestFile(), future.resolveSibling(future.getFileName() + ".sha256"));
        Files.move(v.file(), future);
        assertThat(runCat(b, e2)).isEqualTo("one\n");
        assertThat(b.imageSync().loadCount()).isEqualTo(1);
        Files.delete(future);
        Files.delete(future.resolveSibling(future.getFileName() + ".sha256"));

        docker("exec", e2, "sh", "-c", "echo two > /marker");
        host.createTar(e2);
        docker("rmi", "hakuriver/" + e2 + ":base");
        assertThat(runCat(b, e2)).isEqualTo("two\n");
        assertThat(b.imageSync().loadCount()).isEqualTo(2);
    }

    @Test
    void concurrentTasksShareOneSync() throws Exception {
        String e3 = fx.env("conc");
        host.createContainer(DockerFixture.BASE_IMAGE, e3);
        host.createTar(e3);
        docker("rmi", "hakuriver/" + e3 + ":base");
        DockerBackend b = new DockerBackend(cfg);
        List<RunningTask> tasks = new java.util.ArrayList<>();
        List<Thread> threads = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread th = new Thread(() -> {
                try { synchronized (tasks) { } RunningTask t = b.start(spec(newId(), "true", List.of(), Map.of(), 0, null, null, List.of(), e3, List.of()));
                    synchronized (tasks) { tasks.add(t); } } catch (Exception ex) { throw new RuntimeException(ex); }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) th.join();
        for (RunningTask t : tasks) assertThat(outcome(t).exitCode()).isZero();
        assertThat(tasks).hasSize(4);
        assertThat(b.imageSync().loadCount()).isEqualTo(1);
    }

    private static String runCat(DockerBackend b, String environment) throws Exception {
        long id = newId();
        TaskOutcome o = outcome(b.start(spec(id, "cat", List.of("/marker"), Map.of(), 0, null, null, List.of(), environment, List.of())));
        assertThat(o.exitCode()).as(o.message()).isZero();
        return Files.readString(cfg.taskOutputsDir().resolve(id + ".out"));
    }
}
