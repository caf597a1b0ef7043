package io.hakuriver.host;

import io.hakuriver.config.HakuConfig;
import io.hakuriver.util.Version;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a standby Host answers on its port while another Host leads: /healthz and /health say so (200, role
 * "standby", the leader's address), a browser is sent to the leader's dashboard, and every other call gets 503
 * with the leader in {@code X-HakuRiver-Leader}, which Runners and clients follow. It holds no state and never
 * touches the database; the full Host replaces it on the same port once this one takes over.
 */
public final class StandbyServer implements AutoCloseable {
    public static final String ROLE_HEADER = io.hakuriver.api.WireHeaders.ROLE;
    public static final String LEADER_HEADER = "X-HakuRiver-Leader";

    private final Javalin app;
    private final Leadership leadership;

    public StandbyServer(HakuConfig config, Leadership leadership) {
        this.leadership = leadership;
        this.app = HostJavalin.create(config, 8, 2, "standby-http", cfg -> {
            io.javalin.http.Handler h = this::answer;
            for (String path : new String[] {"/", "/*"}) {
                cfg.routes.get(path, h); cfg.routes.post(path, h); cfg.routes.put(path, h);
                cfg.routes.delete(path, h); cfg.routes.patch(path, h);
            }
        });
    }

    private void answer(Context ctx) {
        ctx.header(ROLE_HEADER, "standby");
        if (!leadership.leader().isEmpty()) ctx.header(LEADER_HEADER, leadership.leader());
        String path = ctx.path().startsWith("/api/") ? ctx.path().substring(4) : ctx.path();
        String leader = leadership.leader();
        if (path.equals("/healthz") || path.equals("/health")) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("status", "ok");
            m.put("version", Version.version());
            m.put("role", "standby");
            m.put("this_host", leadership.self());
            m.put("leader", leader.isEmpty() ? null : leader);
            ctx.json(m);
            return;
        }
        String accept = ctx.header("Accept");
        if (ctx.method().name().equals("GET") && accept != null && accept.contains("text/html") && !leader.isEmpty()) {
            ctx.redirect(leader + ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString()), io.javalin.http.HttpStatus.TEMPORARY_REDIRECT);
            return;
        }
        ctx.status(503).json(Map.of("detail", "This Host (" + leadership.self() + ") is the standby; "
                + (leader.isEmpty() ? "no Host leads at the moment (a takeover is under way): try again shortly."
                : "the leader is " + leader + ".")));
    }

    public StandbyServer start() { app.start(); return this; }

    @Override public void close() { app.stop(); }
}
