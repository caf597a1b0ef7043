package io.hakuriver.host;

import io.hakuriver.http.ApiException;
import io.hakuriver.http.Auth;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.store.Database;
import io.hakuriver.systemd.SdNotify;
import io.hakuriver.systemd.JettyConnectors;
import io.hakuriver.systemd.SocketActivation;
import io.hakuriver.util.Json;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/** Wires the Host together: database, state, HTTP API (at / and /api), dashboard, background loops. */
public final class HostServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HostServer.class);
    /** First path segments that belong to the API (everything else may be the dashboard). */
    static final Set<String> API_ROOTS = Set.of("register", "heartbeat", "update", "submit", "status", "tasks", "task",
            "kill", "command", "nodes", "health", "healthz", "docker", "batches", "metrics", "api");

    /** Request attribute marking a response written by the exception handler (the 404 page must not replace it). */
    public static final String HANDLED = "hakuriver.handled";
    /** Largest request body (a 10,000-element sweep is far below it); larger ones get 413 before anything is parsed. */
    static final long MAX_BODY_BYTES = 16L * 1024 * 1024;

    private final HakuConfig config;
    private final HostCore core;
    private final Javalin app;
    private final List<HostModule> modules = new ArrayList<>();
    private final ScheduledExecutorService loops = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "host-loops"); t.setDaemon(true); return t; });
    private final AtomicLong lastLoopTick = new AtomicLong(System.nanoTime());
    private final Leadership leadership;
    private final String databaseName;

    /** /healthz says which Host leads and on which database (the dashboard shows it). */
    private static HostModule roleInfo(Database db, Leadership leadership) {
        return new HostModule() {
            @Override public void register(RouteRegistry routes) { }
            @Override public Map<String, Object> healthInfo() {
                Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("role", "leader");
                m.put("leader", leadership == null ? null : leadership.self());
                m.put("database", db.dialect().name().toLowerCase());
                return m;
            }
        };
    }
    private final Notifier notifier;

    /**
     * @param modules     parts that bring their own routes (the Docker environments), created by the caller
     * @param mountPolicy validates the extra mounts a task asks for (the Docker module's policy)
     */
    public HostServer(HakuConfig config, List<HostModule> modules, UnaryOperator<List<String>> mountPolicy) {
        this(config, Database.open(config), null, modules, mountPolicy);
    }

    /**
     * @param db         the opened database (SQLite, or PostgreSQL)
     * @param leadership on PostgreSQL: the lease this Host holds (it leads), released on close; null on SQLite
     */
    public HostServer(HakuConfig config, Database db, Leadership leadership, List<HostModule> modules, UnaryOperator<List<String>> mountPolicy) {
        this.config = config;
        this.leadership = leadership;
        this.core = new HostCore(config, db);
        this.databaseName = db.describe();
        this.notifier = new Notifier(core);
        Auth auth = new Auth(config.resolvedToken());
        this.modules.addAll(modules);
        this.modules.add(roleInfo(db, leadership));
        HealthSampler sampler = new HealthSampler(core);
        Optional<ServerSocketChannel> activated = SocketActivation.listeningChannel();

        this.app = HostJavalin.create(config, 64, 4, "host-http", cfg -> {
            cfg.jsonMapper(new io.hakuriver.http.JacksonMapper());
            cfg.http.maxRequestSize = MAX_BODY_BYTES;
            cfg.jetty.modifyServer(server -> server.setErrorHandler(new io.hakuriver.http.JsonErrorHandler()));
            activated.ifPresent(ch -> cfg.jetty.addConnector((server, httpCfg) -> JettyConnectors.connectorFor(server, httpCfg, ch)));
            if (HostServer.class.getResource("/public/index.html") != null) {
                cfg.staticFiles.add(s -> { s.hostedPath = "/"; s.directory = "/public"; s.location = Location.CLASSPATH; });
            }
            cfg.routes.before(ctx -> {
                if (leadership != null) { ctx.header(StandbyServer.ROLE_HEADER, "leader"); ctx.header(StandbyServer.LEADER_HEADER, leadership.self()); }
                if (serveDashboardPage(ctx)) { ctx.skipRemainingHandlers(); return; }
                authorize(ctx, auth, false);
            });
            // Javalin 7 does not run before-handlers for WebSocket upgrades: every WebSocket route is checked here too
            // ?token= only here: browsers cannot set headers on a WebSocket; anywhere else it would leak into URLs and logs
            cfg.routes.wsBeforeUpgrade(ctx -> authorize(ctx, auth, true));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                ctx.attribute(HANDLED, true);
                if (ctx.res().isCommitted()) { // part of the answer is out: an error body cannot follow it
                    log.warn("{} {} failed after its answer began: {}", ctx.method(), ctx.path(), e.toString());
                    return;
                }
                if (e instanceof io.hakuriver.api.InvalidBody invalid) { // a wire body that is not its record
                    ApiException api = ApiException.invalid(invalid);
                    ctx.status(api.status).json(Map.of("detail", api.detail));
                    return;
                }
                if (e instanceof ApiException api) { ctx.status(api.status).json(Map.of("detail", api.detail)); return; }
                if (e instanceof io.hakuriver.store.StoreException) {
                    log.error("database failure", e);
                    ctx.status(500).json(Map.of("detail", "Database error: " + e.getMessage()));
                    return;
                }
                log.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
                ctx.status(500).json(Map.of("detail", "Internal error: " + e));
            });
            cfg.routes.error(404, this::notFound);
            cfg.routes.error(405, ctx -> ctx.json(Map.of("detail", "Method Not Allowed")));
            cfg.routes.error(413, ctx -> ctx.json(Map.of("detail", "Request body too large: at most " + (MAX_BODY_BYTES >> 20)
                    + " MiB per request (split a large sweep into several, put large inputs in a file on the shared dir)")));
            cfg.http.prefer405over404 = true;
            RouteRegistry routes = new RouteRegistry(cfg.routes);
            new RunnerApi(core).register(routes);
            new SubmitService(core, mountPolicy).register(routes);
            new TaskApi(core).register(routes);
            new NodeApi(core, sampler, auth.enabled(), this.modules).register(routes);
            new LogApi(core).register(routes);
            new MetricsApi(core).register(routes);
            for (HostModule m : this.modules) m.register(routes);
        });
        if (!auth.enabled() && !isLoopback(config.network().hostBindIp())) {
            log.warn("No [security] token is set and the Host listens on {}: anyone who can reach port {} can run commands on your nodes. "
                    + "Set a token (token_file or HAKURIVER_TOKEN) for any shared network.", config.network().hostBindIp(), config.network().hostPort());
        }
        loops.scheduleAtFixedRate(() -> { sampler.sampleSafely(); periodic(false); lastLoopTick.set(System.nanoTime()); }, 1, 1, TimeUnit.SECONDS);
        loops.scheduleAtFixedRate(() -> periodic(true), config.timing().cleanupCheckInterval(),
                config.timing().cleanupCheckInterval(), TimeUnit.SECONDS);
    }

    /** The core's periodic duties (stall detection, node timeouts, deferred nodes, unwritten rows); never throws. */
    private void periodic(boolean expire) {
        try { core.periodic(expire); } catch (RuntimeException e) { log.warn("periodic check failed (will retry): {}", e.toString()); }
    }

    private static boolean isLoopback(String ip) {
        return ip.startsWith("127.") || ip.equals("::1") || ip.equals("localhost");
    }

    private void authorize(Context ctx, Auth auth, boolean allowQueryToken) {
        if (!auth.enabled()) return;
        String path = ctx.path();
        String rel = path.startsWith("/api/") ? path.substring(4) : path;
        String first = rel.length() > 1 ? rel.substring(1).split("/", 2)[0] : "";
        if (!API_ROOTS.contains(first) || first.equals("healthz")) return; // dashboard files and the probe are open
        if (first.equals("metrics") && config.security().metricsPublic()) return; // a scraper without the token
        if (!auth.accepts(Auth.presented(ctx, allowQueryToken))) {
            throw new ApiException(401, "Missing or invalid token: send 'Authorization: Bearer <token>' "
                    + "(the [security] token of this cluster).");
        }
    }

    /** Dashboard pages share paths with API routes (/nodes, /tasks, /docker): a browser navigation gets the page. */
    private static final java.util.regex.Pattern PAGES = java.util.regex.Pattern.compile("^/(nodes|tasks|tasks/\\d+|docker)/?$");

    private static boolean serveDashboardPage(Context ctx) {
        if (!ctx.method().name().equals("GET")) return false;
        String accept = ctx.header("Accept");
        if (accept == null || !accept.contains("text/html") || !PAGES.matcher(ctx.path()).matches()) return false;
        InputStream index = HostServer.class.getResourceAsStream("/public/index.html");
        if (index == null) return false;
        ctx.status(200).contentType("text/html; charset=utf-8").result(index);
        return true;
    }

    private void notFound(Context ctx) {
        String path = ctx.path();
        String first = path.length() > 1 ? path.substring(1).split("/", 2)[0] : "";
        String accept = ctx.header("Accept");
        if (ctx.method().name().equals("GET") && !API_ROOTS.contains(first) && accept != null && accept.contains("text/html")) {
            InputStream index = HostServer.class.getResourceAsStream("/public/index.html");
            if (index != null) { ctx.status(200).contentType("text/html; charset=utf-8").result(index); return; }
        }
        if (ctx.attribute(HANDLED) != null) return; // an ApiException already wrote its own 404 detail
        ctx.json(Map.of("detail", "Not Found"));
    }

    public HostServer start() {
        SdNotify.get().status("Starting HTTP server");
        app.start();
        for (HostModule m : modules) {
            try { m.start(); } catch (RuntimeException e) { log.error("module {} failed to start: {}", m.getClass().getSimpleName(), e.toString()); }
        }
        core.resumeAssigning();
        notifier.start();
        log.info("HakuRiver Host serving on {}:{} ({}{})", config.network().hostBindIp(), port(), databaseName,
                leadership == null ? "" : ", leader " + leadership.self());
        SdNotify.get().ready("Serving on port " + port());
        SdNotify.get().startWatchdog(this::healthy);
        return this;
    }

    /** Alive when the background loop ticked recently and the database answers (used by the systemd watchdog). */
    public boolean healthy() {
        if (System.nanoTime() - lastLoopTick.get() > TimeUnit.SECONDS.toNanos(10)) return false;
        return core.databaseAnswers();
    }

    public int port() { return app.port(); }

    @Override public void close() {
        SdNotify.get().stopping();
        loops.shutdownNow();
        notifier.close();
        for (HostModule m : modules) { try { m.stop(); } catch (RuntimeException ignored) { } }
        app.stop();
        core.close();
        if (leadership != null) leadership.close(); // after the last write: the standby may take over at once
    }
}
