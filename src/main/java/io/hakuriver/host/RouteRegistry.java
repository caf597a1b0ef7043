package io.hakuriver.host;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.websocket.WsConfig;

import java.util.function.Consumer;

/**
 * Registers every route twice: at the root (what the original CLI and runners call) and under /api (what the
 * original dashboard calls through its proxy).
 */
public final class RouteRegistry {
    private final RoutesConfig routes;

    public RouteRegistry(RoutesConfig routes) { this.routes = routes; }

    public RouteRegistry get(String path, Handler h) { routes.get(path, h); routes.get("/api" + path, h); return this; }
    public RouteRegistry post(String path, Handler h) { routes.post(path, h); routes.post("/api" + path, h); return this; }
    public RouteRegistry put(String path, Handler h) { routes.put(path, h); routes.put("/api" + path, h); return this; }
    public RouteRegistry delete(String path, Handler h) { routes.delete(path, h); routes.delete("/api" + path, h); return this; }

    /** WebSocket at the root, under /api and under /api/api (the original production dashboard doubles the prefix). */
    public RouteRegistry ws(String path, Consumer<WsConfig> cfg) {
        routes.ws(path, cfg);
        routes.ws("/api" + path, cfg);
        routes.ws("/api/api" + path, cfg);
        return this;
    }

    public RoutesConfig raw() { return routes; }
}
