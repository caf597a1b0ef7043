package io.hakuriver.docker;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.http.ApiException;
import io.hakuriver.host.HostModule;
import io.hakuriver.host.RouteRegistry;
import io.hakuriver.util.Json;
import io.hakuriver.http.Auth;
import io.javalin.http.Context;
import io.javalin.http.UnauthorizedResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Host-side Docker environments: the /docker/... endpoints of spec 3.3, the WebSocket terminal of 3.4, and the
 * default environment created in the background at start (8.6) — from a local image when present, pulling only as
 * a fallback.
 */
public class DockerHostModule implements HostModule {
    private static final Logger LOG = LoggerFactory.getLogger(DockerHostModule.class);

    private static final String TERMINAL = "/docker/host/containers/{container_name}/terminal";

    private final HakuConfig config;
    private final EnvironmentService envs;
    private final OperationProgress progress = new OperationProgress();
    private final Map<String, TerminalSession> terminals = new ConcurrentHashMap<>();
    private volatile String defaultEnvironmentState = "not checked yet";
    private volatile Thread defaultEnvThread;

    public DockerHostModule(HakuConfig config) { this(config, new DockerEngine()); }

    public DockerHostModule(HakuConfig config, DockerEngine engine) {
        this.config = config;
        this.envs = new EnvironmentService(engine, new TarballStore(config.containerDir()), progress);
    }

    public EnvironmentService environments() { return envs; }

    @Override public void register(RouteRegistry routes) {
        routes.get("/docker/host/containers", ctx -> json(ctx, 200, envs.listContainers()));
        routes.post("/docker/host/create", this::create);
        routes.post("/docker/host/delete/{container_name}", ctx -> message(ctx, envs.delete(ctx.pathParam("container_name"))));
        routes.post("/docker/host/stop/{container_name}", ctx -> message(ctx, envs.stop(ctx.pathParam("container_name"))));
        routes.post("/docker/host/start/{container_name}", ctx -> message(ctx, envs.start(ctx.pathParam("container_name"))));
        routes.post("/docker/create_tar/{container_name}", ctx -> {
            TarballStore.Version v = envs.createTar(ctx.pathParam("container_name"));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("message", "Container tarball created/refreshed successfully.");
            body.put("tarball_path", v.file().toString());
            v.digest().ifPresent(d -> body.put("sha256", d));
            json(ctx, 200, body);
        });
        routes.get("/docker/list", ctx -> json(ctx, 200, envs.listTarballs()));
        routes.delete("/docker/tar/{container_name}/{timestamp}",
                ctx -> message(ctx, envs.deleteTarball(ctx.pathParam("container_name"), ctx.pathParam("timestamp"))));
        routes.get("/docker/operations", ctx -> json(ctx, 200, progress.snapshot()));
        // The terminal is a root shell: check the token before the upgrade on every path the terminal is served at
        // (Authorization: Bearer, or ?token= for browsers), whatever the Host's global filters do.
        Auth auth = new Auth(config.resolvedToken());
        for (String prefix : new String[]{"", "/api", "/api/api"}) {
            routes.raw().wsBeforeUpgrade(prefix + TERMINAL, ctx -> {
                if (!auth.accepts(Auth.presented(ctx, true)))
                    throw new UnauthorizedResponse("Missing or invalid token for the terminal: send 'Authorization: Bearer <token>' or ?token=.");
            });
        }
        routes.ws(TERMINAL, ws -> {
            ws.onConnect(ctx -> {
                TerminalSession t = TerminalSession.open(envs, ctx, ctx.pathParam("container_name"));
                if (t != null) terminals.put(ctx.sessionId(), t);
            });
            ws.onMessage(ctx -> {
                TerminalSession t = terminals.get(ctx.sessionId());
                if (t != null) t.onMessage(ctx.message());
            });
            ws.onClose(ctx -> {
                TerminalSession t = terminals.remove(ctx.sessionId());
                if (t != null) t.close();
            });
            ws.onError(ctx -> {
                TerminalSession t = terminals.remove(ctx.sessionId());
                if (t != null) t.close();
            });
        });
    }

    private void create(Context ctx) {
        JsonNode body;
        try { body = Json.tree(ctx.body()); } catch (IllegalArgumentException e) { throw ApiException.badRequest("Request body must be JSON: " + e.getMessage()); }
        String image = body.path("image_name").asText(null), name = body.path("container_name").asText(null);
        if (image == null || image.isBlank()) throw ApiException.validation("image_name", "Field required", "missing");
        if (name == null || name.isBlank()) throw ApiException.validation("container_name", "Field required", "missing");
        json(ctx, 201, Map.of("message", envs.createContainer(image, name)));
    }

    private static void message(Context ctx, String msg) { json(ctx, 200, Map.of("message", msg)); }

    private static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }

    /** Creates the container directory and, in the background, the default environment when it has no tarball. */
    @Override public void start() {
        try { Files.createDirectories(config.containerDir()); }
        catch (IOException e) { LOG.warn("Cannot create the container directory {}: {}", config.containerDir(), e.getMessage()); }
        Thread t = new Thread(this::ensureDefaultEnvironment, "default-environment");
        t.setDaemon(true);
        defaultEnvThread = t;
        t.start();
    }

    /** Blocks until the background default-environment work has finished (tests, orderly shutdown). */
    public void awaitDefaultEnvironment(long millis) throws InterruptedException {
        Thread t = defaultEnvThread;
        if (t != null) t.join(millis);
    }

    public String defaultEnvironmentState() { return defaultEnvironmentState; }

    void ensureDefaultEnvironment() {
        String env = config.docker().defaultContainerName();
        String image = config.docker().initialBaseImage();
        if (env == null) { // default_container_name = "NULL": nothing to prepare
            defaultEnvironmentState = "none (tasks without --container run as plain processes)";
            return;
        }
        try {
            if (!envs.store().versions(env).isEmpty()) { defaultEnvironmentState = "ready"; return; }
            if (!envs.engine().ping()) {
                defaultEnvironmentState = "Docker engine unreachable at " + envs.engine().endpoint() + ": default environment '" + env + "' not created";
                LOG.warn(defaultEnvironmentState);
                return;
            }
            defaultEnvironmentState = "creating from " + image;
            LOG.info("No tarball for the default environment '{}': creating it from {}", env, image);
            envs.createContainer(image, env);
            TarballStore.Version v = envs.createTar(env);
            defaultEnvironmentState = "ready";
            LOG.info("Default environment '{}' packaged as {}", env, v.file());
        } catch (ApiException e) {
            defaultEnvironmentState = "failed: " + e.detail;
            LOG.error("Default environment '{}' could not be created from {}: {}", env, image, e.detail);
        } catch (IOException | RuntimeException e) {
            defaultEnvironmentState = "failed: " + e.getMessage();
            LOG.error("Default environment '{}' could not be created from {}", env, image, e);
        }
    }

    @Override public void stop() {
        terminals.values().forEach(TerminalSession::close);
        terminals.clear();
    }

    @Override public Map<String, Object> healthInfo() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("docker_available", envs.engine().ping());
        m.put("default_environment", defaultEnvironmentState);
        m.put("docker_operations", progress.snapshot());
        return m;
    }
}
