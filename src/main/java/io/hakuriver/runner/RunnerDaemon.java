package io.hakuriver.runner;

import io.hakuriver.api.NumaNode;
import io.hakuriver.api.RegisterRequest;
import io.hakuriver.api.RunRequest;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.http.ApiException;
import io.hakuriver.http.Auth;
import io.hakuriver.http.Body;
import io.hakuriver.http.JacksonMapper;
import io.hakuriver.runner.exec.BackendRegistry;
import io.hakuriver.systemd.SdNotify;
import io.hakuriver.systemd.SocketActivation;
import io.javalin.Javalin;
import io.javalin.http.Context;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.channels.ServerSocketChannel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** The Runner process: HTTP API (spec §4), registration with retry, heartbeats, recovery. */
public final class RunnerDaemon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RunnerDaemon.class);
    private static volatile Map<String, NumaNode> numaCache;

    private final HakuConfig config;
    private final String name;
    private final NodeFacts facts = new NodeFacts();
    private final HostLink host;
    private final UpdateOutbox outbox;
    private final RunnerAgent agent;
    private final Javalin app;
    private final ScheduledExecutorService loops = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "runner-loops"); t.setDaemon(true); return t; });
    private final AtomicBoolean registered = new AtomicBoolean();
    private final AtomicLong lastTick = new AtomicLong(System.nanoTime());
    private volatile String lastRegistrationError = "not yet attempted";

    public RunnerDaemon(HakuConfig config) throws Exception {
        this.config = config;
        this.name = config.runnerName();
        if (!RunnerAgent.ensureDir(config.localTempDir())) {
            throw new IllegalStateException("Cannot create local_temp_dir " + config.localTempDir());
        }
        if (!java.nio.file.Files.isDirectory(config.sharedDir())) {
            log.warn("shared_dir {} does not exist; creating it (on a cluster it must be the shared mount)", config.sharedDir());
        }
        RunnerAgent.ensureDir(config.sharedDir().resolve("shared_data"));
        RunnerAgent.ensureDir(config.sharedDir().resolve("task_outputs"));
        RunnerAgent.ensureDir(config.sharedDir().resolve("task_errors"));
        this.host = new HostLink(config);
        this.outbox = new UpdateOutbox(config.runnerStateDir().resolve("outbox"), host::deliver);
        this.agent = new RunnerAgent(config, new BackendRegistry(config), new TaskTable(config.runnerStateDir()), outbox);
        Auth auth = new Auth(config.resolvedToken());
        Optional<ServerSocketChannel> activated = SocketActivation.listeningChannel();
        this.app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.jsonMapper(new JacksonMapper());
            QueuedThreadPool pool = new QueuedThreadPool(24, 2);
            pool.setName("runner-http");
            cfg.jetty.threadPool = pool;
            cfg.jetty.host = config.network().runnerBindIp();
            cfg.jetty.port = config.network().runnerPort();
            activated.ifPresent(ch -> cfg.jetty.addConnector((server, httpCfg) -> {
                ServerConnector c = new ServerConnector(server, new HttpConnectionFactory(httpCfg));
                try { c.open(ch); } catch (java.io.IOException e) { throw new IllegalStateException("cannot adopt systemd socket: " + e, e); }
                return c;
            }));
            cfg.routes.before(ctx -> {
                if (auth.enabled() && !ctx.path().equals("/healthz") && !auth.accepts(Auth.presented(ctx, false))) {
                    throw new ApiException(401, "Missing or invalid token: the Host must send 'Authorization: Bearer <token>'.");
                }
            });
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                ctx.attribute(io.hakuriver.host.HostServer.HANDLED, true);
                if (e instanceof ApiException api) { ctx.status(api.status).json(Map.of("detail", api.detail)); return; }
                log.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
                ctx.status(500).json(Map.of("detail", "Internal error: " + e));
            });
            cfg.routes.error(404, ctx -> { if (ctx.attribute(io.hakuriver.host.HostServer.HANDLED) == null) ctx.json(Map.of("detail", "Not Found")); });
            cfg.routes.post("/run", this::run);
            cfg.routes.post("/kill", ctx -> control(ctx, "kill"));
            cfg.routes.post("/pause", ctx -> control(ctx, "pause"));
            cfg.routes.post("/resume", ctx -> control(ctx, "resume"));
            cfg.routes.get("/health", ctx -> ctx.json(health()));
            cfg.routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok", "hostname", name, "registered", registered.get())));
        });
    }

    static Map<String, NumaNode> numa(HakuConfig config) {
        if (numaCache == null) numaCache = new NodeFacts().numaTopology(config.paths().numactlPath());
        return numaCache;
    }

    private void run(Context ctx) {
        Body b = Body.of(ctx);
        Long id = b.integer("task_id", true);
        String command = b.string("command", true);
        var args = b.strings("arguments");
        var env = b.stringMap("env_vars");
        Long cores = b.integer("required_cores", false);
        Long mem = b.integer("required_memory_bytes", false);
        Long numa = b.integer("target_numa_node_id", false);
        String image = b.string("docker_image_name", false);
        Boolean priv = b.bool("docker_privileged");
        var mounts = b.strings("docker_additional_mounts");
        b.check();
        RunRequest r = new RunRequest(id, command, args, env, cores == null ? 0 : cores.intValue(), null, null, mem,
                numa == null ? null : numa.intValue(), image == null ? "" : image, Boolean.TRUE.equals(priv), mounts, null);
        RunnerAgent.Reply reply = agent.accept(r);
        if (reply.result() == RunnerAgent.Result.CONFLICT) throw ApiException.conflict(reply.message());
        ctx.json(Map.of("message", reply.message(), "task_id", id));
    }

    private void control(Context ctx, String action) {
        Body b = Body.of(ctx);
        Long id = b.integer("task_id", false);
        if (id == null || id == 0) throw ApiException.badRequest("Missing 'task_id' in request body.");
        RunnerAgent.Reply r = switch (action) {
            case "kill" -> agent.kill(id);
            case "pause" -> agent.pause(id);
            default -> agent.resume(id);
        };
        switch (r.result()) {
            case OK -> ctx.json(Map.of("message", r.message()));
            case NOT_FOUND -> throw ApiException.notFound(r.message());
            case CONFLICT -> throw ApiException.conflict(r.message());
            default -> throw new ApiException(500, r.message());
        }
    }

    private Map<String, Object> health() {
        Map<String, Object> m = new LinkedHashMap<>(agent.health());
        m.put("host_url", host.base());
        m.put("registered", registered.get());
        m.put("last_registration_error", registered.get() ? null : lastRegistrationError);
        return m;
    }

    /** [runner] max_tasks, or the Host's own default for this many cores (announced so both sides agree). */
    private int maxTasks() {
        int configured = config.runner().maxTasks();
        return configured > 0 ? configured : HakuConfig.autoMaxTasks(facts.totalCores());
    }

    private String runnerUrl() {
        int port = app.port() > 0 ? app.port() : config.network().runnerPort();
        return "http://" + config.network().runnerAddress() + ":" + port;
    }

    public RunnerDaemon start() {
        app.start();
        agent.recover();
        log.info("HakuRiver Runner '{}' serving on {}:{} (announced as {}), Host {}", name, config.network().runnerBindIp(),
                app.port(), runnerUrl(), host.base());
        SdNotify.get().ready("Serving on port " + app.port() + "; registering with " + host.base());
        SdNotify.get().startWatchdog(() -> System.nanoTime() - lastTick.get() < TimeUnit.SECONDS.toNanos(Math.max(30, 3L * config.timing().heartbeatInterval())));
        loops.execute(this::registerLoop);
        return this;
    }

    /** Registers with back-off (1 s doubling to 30 s) until the Host answers; never gives up (defect C24). */
    private void registerLoop() {
        long delay = 1000;
        while (!registered.get() && !loops.isShutdown()) {
            lastTick.set(System.nanoTime());
            try {
                host.register(new RegisterRequest(name, facts.totalCores(), facts.totalRamBytes(), runnerUrl(), numa(config), maxTasks()));
                registered.set(true);
                lastRegistrationError = null;
                log.info("Registered with Host {} as '{}'", host.base(), name);
                SdNotify.get().status("Registered with " + host.base() + " as " + name);
                long hb = config.timing().heartbeatInterval() * 1000L;
                loops.scheduleWithFixedDelay(this::heartbeat, hb, hb, TimeUnit.MILLISECONDS);
                return;
            } catch (HostLink.RegistrationRefused e) {
                lastRegistrationError = e.getMessage();
                log.error("Host refused registration of '{}': {}", name, e.getMessage());
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
            Map<String, Object> body = new LinkedHashMap<>();
            java.util.Set<Long> running = new java.util.LinkedHashSet<>(agent.runningIds());
            running.addAll(outbox.pendingTaskIds()); // finished, but the Host has not heard it yet
            running.removeAll(agent.pausedIds());
            body.put("running_tasks", new java.util.ArrayList<>(running));
            body.put("killed_tasks", java.util.List.of());
            body.put("cpu_percent", facts.cpuPercent());
            long total = facts.totalRamBytes(), used = facts.usedRamBytes();
            body.put("memory_percent", total == 0 ? null : Math.round(used * 1000.0 / total) / 10.0);
            body.put("memory_used_bytes", used);
            body.put("memory_total_bytes", total);
            body.put("paused_tasks", agent.pausedIds());
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
        ReRegister() { super(null, null, false, false); loops.execute(RunnerDaemon.this::registerLoop); }
    }

    public int port() { return app.port(); }
    public RunnerAgent agent() { return agent; }

    @Override public void close() {
        SdNotify.get().stopping();
        loops.shutdownNow();
        app.stop();
        try { outbox.drain(2000); } catch (InterruptedException ignored) { }
        outbox.close();
        agent.shutdown();
        // tasks keep running: a restarted Runner re-attaches to them (KillMode=process in the unit)
    }
}
