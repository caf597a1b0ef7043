package io.hakuriver.runner;

import io.hakuriver.api.HeartbeatRequest;
import io.hakuriver.api.InvalidBody;
import io.hakuriver.api.NumaNode;
import io.hakuriver.api.RegisterRequest;
import io.hakuriver.api.RunRequest;
import io.hakuriver.api.RunResult;
import io.hakuriver.api.TaskControlRequest;
import io.hakuriver.api.WireReader;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.http.ApiException;
import io.hakuriver.http.Auth;
import io.hakuriver.http.Limits;
import io.hakuriver.runner.RunnerHttp.Response;
import io.hakuriver.runner.exec.BackendRegistry;
import io.hakuriver.systemd.SdNotify;
import io.hakuriver.systemd.SocketActivation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** The Runner process: HTTP API (spec §4), registration with retry, heartbeats, recovery. */
public final class RunnerDaemon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RunnerDaemon.class);
    private static volatile Map<String, NumaNode> numaCache;
    /** A healthy nvidia-smi answers in well under a second; one that takes longer has a hung driver behind it. */
    static final java.time.Duration NVIDIA_SMI_TIMEOUT = java.time.Duration.ofSeconds(10);

    private final HakuConfig config;
    private final String name;
    private final NodeFacts facts = new NodeFacts();
    private final GpuMonitor gpus;
    private final HostLink host;
    private final UpdateOutbox outbox;
    private final RunnerAgent agent;
    private final RunnerHttp http;
    private final RunPolicy policy;
    private final ScheduledExecutorService loops = Executors.newSingleThreadScheduledExecutor(r -> Fatal.thread(r, "runner-loops"));
    private final AtomicBoolean registered = new AtomicBoolean();
    private final AtomicLong lastTick = new AtomicLong(System.nanoTime());
    private volatile String lastRegistrationError = "not yet attempted";
    private volatile boolean closing;

    public RunnerDaemon(HakuConfig config) throws Exception {
        this.config = config;
        this.name = config.runnerName();
        if (SocketActivation.offered()) {
            // the JDK's HTTP server cannot serve on a socket it did not bind (see docs/systemd.md)
            throw new IllegalStateException("systemd passed this Runner a listening socket (LISTEN_FDS), but only the Host"
                    + " supports socket activation: remove the Runner's .socket unit; the Runner binds runner_port itself");
        }
        if (!RunnerAgent.ensureDir(config.localTempDir())) {
            throw new IllegalStateException("Cannot create local_temp_dir " + config.localTempDir());
        }
        if (!java.nio.file.Files.isDirectory(config.sharedDir())) {
            log.warn("shared_dir {} does not exist; creating it (on a cluster it must be the shared mount)", config.sharedDir());
        }
        RunnerAgent.ensureDir(config.sharedDir().resolve("shared_data"));
        RunnerAgent.ensureDir(config.sharedDir().resolve("task_outputs"));
        RunnerAgent.ensureDir(config.sharedDir().resolve("task_errors"));
        // tasks under runner_user may pass through the state dir to their exit files, never list or read it
        io.hakuriver.util.PrivatePaths.directory(config.runnerStateDir(), "rwx--x--x");
        io.hakuriver.util.PrivatePaths.directory(config.runnerStateDir().resolve("outbox"), "rwx------");
        this.host = new HostLink(config);
        this.outbox = new UpdateOutbox(config.runnerStateDir().resolve("outbox"), (UpdateOutbox.Delivery) host::deliverAll);
        this.gpus = new GpuMonitor(new NvidiaSmi(config.gpu().nvidiaSmi(), NVIDIA_SMI_TIMEOUT));
        this.agent = new RunnerAgent(config, new BackendRegistry(config), new TaskTable(config.runnerStateDir()), outbox, gpus,
                facts.totalCores(), facts.totalRamBytes());
        outbox.lingerWhileRunning(agent::liveCount);
        this.policy = new RunPolicy(config, io.hakuriver.systemd.UnixUsers.isRoot(), facts.totalCores(), facts.totalRamBytes(), () -> numa(config));
        Auth auth = new Auth(config.resolvedToken());
        warnIfOpen(auth);
        this.http = new RunnerHttp(config.network().runnerBindIp(), config.network().runnerPort(),
                auth, Limits.MAX_TASK_BODY_BYTES)
                .post("/run", this::run)
                .post("/runs", this::runs)
                .post("/kill", (body, n) -> control(body, "kill"))
                .post("/pause", (body, n) -> control(body, "pause"))
                .post("/resume", (body, n) -> control(body, "resume"))
                .get("/health", (body, n) -> Response.ok(health()))
                .get("/healthz", (body, n) -> Response.ok(healthz()));
    }

    private void warnIfOpen(Auth auth) {
        String ip = config.network().runnerBindIp();
        if (!auth.enabled() && !(ip.startsWith("127.") || ip.equals("::1") || ip.equals("localhost"))) {
            log.warn("No [security] token is set and the Runner listens on {}: anyone who can reach port {} can run commands on this node. "
                    + "Set a token (token_file or HAKURIVER_TOKEN) for any shared network.", ip, config.network().runnerPort());
        }
    }

    static Map<String, NumaNode> numa(HakuConfig config) {
        if (numaCache == null) numaCache = new NodeFacts().numaTopology(config.paths().numactlPath());
        return numaCache;
    }

    private static final WireReader<RunRequest> RUN = WireReader.of(RunRequest.class);
    private static final WireReader<TaskControlRequest> CONTROL = WireReader.of(TaskControlRequest.class);

    private Response run(Object json, long bytes) {
        RunRequest r = RUN.read(json);
        if (r.hostname() != null && !r.hostname().equals(name)) { // sent by our Host, not by the original's
            return Response.error(421, "This runner is '" + name + "', not '" + r.hostname() + "'");
        }
        if (closing) return retryLater(503, "Runner " + name + " is shutting down; send the task again later.");
        String refused = policy.refusal(r);
        if (refused != null) {
            log.warn("Refused task {}: {}", r.taskId(), refused);
            return Response.error(422, refused);
        }
        RunnerAgent.Reply reply = agent.accept(r, bytes);
        return switch (reply.result()) {
            case CONFLICT -> Response.error(409, reply.message());
            case BUSY -> retryLater(429, reply.message());
            default -> {
                Map<String, Object> ok = new LinkedHashMap<>();
                ok.put("message", reply.message());
                ok.put("task_id", r.taskId());
                yield Response.ok(ok);
            }
        };
    }

    /** Most starts in one /runs request (our Host sends at most 64). */
    static final int MAX_RUNS = 256;

    /**
     * Several starts in one request (ours; the original has only /run): {@code {"tasks": [<a /run body>, …]}},
     * answered with one {@link RunResult} per task in the same order.
     */
    private Response runs(Object json, long bytes) {
        Object list = json instanceof Map<?, ?> m ? m.get("tasks") : null;
        if (!(list instanceof List<?> tasks) || tasks.isEmpty() || tasks.size() > MAX_RUNS) {
            throw ApiException.validation("tasks", "must be a list of 1 to " + MAX_RUNS + " /run bodies", "value_error.list");
        }
        List<RunResult> results = new ArrayList<>(tasks.size());
        long share = Math.max(1, bytes / tasks.size());
        for (Object task : tasks) {
            Response r;
            try {
                r = run(task, share);
            } catch (InvalidBody e) {
                r = Response.error(422, ApiException.invalid(e).detail);
            }
            Object id = task instanceof Map<?, ?> t ? t.get("task_id") : null;
            results.add(new RunResult(id instanceof Long l ? l : null, r.status(), r.body(),
                    r.headers().get("Retry-After")));
        }
        return Response.ok(new RunResult.All(results));
    }

    /** A refusal the Host retries: it is about this Runner's state, not about the task. */
    private static Response retryLater(int status, String detail) {
        return new Response(status, Map.of("detail", detail), Map.of("Retry-After", "1"));
    }

    private Response control(Object json, String action) {
        Long id = CONTROL.read(json).taskId();
        if (id == null || id == 0) throw ApiException.badRequest("Missing 'task_id' in request body.");
        RunnerAgent.Reply r = switch (action) {
            case "kill" -> agent.kill(id);
            case "pause" -> agent.pause(id);
            default -> agent.resume(id);
        };
        return switch (r.result()) {
            case OK -> Response.ok(Map.of("message", r.message()));
            case NOT_FOUND -> Response.error(404, r.message());
            case CONFLICT -> Response.error(409, r.message());
            default -> Response.error(500, r.message());
        };
    }

    private Map<String, Object> healthz() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        m.put("hostname", name);
        m.put("registered", registered.get());
        return m;
    }

    private Map<String, Object> health() {
        Map<String, Object> m = new LinkedHashMap<>(agent.health());
        m.put("host_url", host.base());
        m.put("registered", registered.get());
        m.put("last_registration_error", registered.get() ? null : lastRegistrationError);
        GpuScan g = gpus.latest();
        Map<String, Object> gm = new LinkedHashMap<>();
        gm.put("count", g.gpus().size());
        gm.put("error", g.error());
        gm.put("shares_per_gpu", config.gpu().sharesPerGpu());
        gm.put("gpu_info", g.gpus());
        m.put("gpus", gm);
        return m;
    }

    /** [runner] max_tasks, or the Host's own default for this many cores (announced so both sides agree). */
    private int maxTasks() {
        int configured = config.runner().maxTasks();
        return configured > 0 ? configured : HakuConfig.autoMaxTasks(facts.totalCores());
    }

    private String runnerUrl() {
        int port = http.port() > 0 ? http.port() : config.network().runnerPort();
        return "http://" + config.network().runnerAddress() + ":" + port;
    }

    public RunnerDaemon start() {
        // also for the threads the JDK starts for us (HTTP dispatcher, timers): an Error there ends the process too
        Thread.setDefaultUncaughtExceptionHandler(Fatal.HANDLER);
        http.start();
        agent.recover();
        log.info("HakuRiver Runner '{}' serving on {}:{} (announced as {}), Host {}", name, config.network().runnerBindIp(),
                http.port(), runnerUrl(), host.base());
        SdNotify.get().ready("Serving on port " + http.port() + "; registering with " + host.base());
        SdNotify.get().startWatchdog(() -> System.nanoTime() - lastTick.get() < TimeUnit.SECONDS.toNanos(Math.max(30, 3L * config.timing().heartbeatInterval())));
        loops.execute(Fatal.guard("registration", this::registerLoop));
        return this;
    }

    /** Registers with back-off (1 s doubling to 30 s) until the Host answers; never gives up (defect C24). */
    private void registerLoop() {
        long delay = 1000;
        while (!registered.get() && !loops.isShutdown()) {
            lastTick.set(System.nanoTime());
            try {
                GpuScan g = gpus.scanNow();
                host.register(new RegisterRequest(name, facts.totalCores(), facts.totalRamBytes(), runnerUrl(), numa(config), maxTasks(),
                        g.gpus(), config.gpu().sharesPerGpu(), g.error(), true));
                registered.set(true);
                lastRegistrationError = null;
                log.info("Registered with Host {} as '{}'", host.base(), name);
                SdNotify.get().status("Registered with " + host.base() + " as " + name);
                long hb = config.timing().heartbeatInterval() * 1000L;
                loops.scheduleWithFixedDelay(Fatal.guard("heartbeat", this::heartbeat), hb, hb, TimeUnit.MILLISECONDS);
                gpus.refreshEvery(java.time.Duration.ofMillis(hb));
                return;
            } catch (HostLink.RegistrationRefused e) {
                lastRegistrationError = e.getMessage();
                log.error("Host refused registration of '{}': {}", name, e.getMessage());
            } catch (InvalidBody e) { // what any Host would refuse with 422 (a name it cannot use, say): said here
                lastRegistrationError = "invalid registration: " + e.detail();
                log.error("Registration of '{}' is not valid: {}", name, e.detail());
            } catch (Exception e) {
                lastRegistrationError = e.toString();
                log.warn("Host {} not reachable ({}); retrying in {} s", host.base(), e.getClass().getSimpleName(), delay / 1000.0);
            }
            SdNotify.get().status("Waiting for Host " + host.base() + ": " + lastRegistrationError);
            try { Thread.sleep(delay); } catch (InterruptedException ie) { return; }
            delay = Math.min(delay * 2, 30_000);
        }
    }

    private void heartbeat() {
        lastTick.set(System.nanoTime());
        try {
            java.util.Set<Long> running = new java.util.LinkedHashSet<>(agent.runningIds());
            running.addAll(outbox.pendingTaskIds()); // finished, but the Host has not heard it yet
            running.removeAll(agent.pausedIds());
            long total = facts.totalRamBytes(), used = facts.usedRamBytes();
            GpuScan g = gpus.latest();
            HeartbeatRequest body = new HeartbeatRequest(new java.util.ArrayList<>(running), List.of(), facts.cpuPercent(),
                    total == 0 ? null : Math.round(used * 1000.0 / total) / 10.0, used, total, agent.pausedIds(),
                    g.gpus(), g.error(), outbox.pending(), true);
            int status = host.heartbeat(name, body);
            if (status == 404) {
                log.warn("Host does not know this runner any more; registering again");
                registered.set(false);
                throw new ReRegister();
            } else if (status != 200) {
                log.warn("Heartbeat answered HTTP {}", status);
            } else {
                outbox.nudge();
            }
        } catch (ReRegister r) {
            throw r; // ends this periodic task; the loop below re-registers and schedules a new one
        } catch (Exception e) {
            log.warn("Heartbeat to {} failed: {}", host.base(), e.toString());
        }
    }

    /** Thrown from a heartbeat to stop the periodic schedule; registration then restarts it. */
    private final class ReRegister extends RuntimeException {
        ReRegister() { super(null, null, false, false); loops.execute(Fatal.guard("registration", RunnerDaemon.this::registerLoop)); }
    }

    public int port() { return http.port(); }
    public RunnerAgent agent() { return agent; }

    @Override public void close() {
        SdNotify.get().stopping();
        closing = true;
        loops.shutdownNow();
        gpus.close();
        http.close();
        try { outbox.drain(2000); } catch (InterruptedException ignored) { }
        outbox.close();
        agent.shutdown();
        // tasks keep running: a restarted Runner re-attaches to them (KillMode=process in the unit)
    }
}
