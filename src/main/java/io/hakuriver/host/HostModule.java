package io.hakuriver.host;

/**
 * A part of the Host that brings its own routes and background work (Docker environments, the dashboard...).
 * Modules are created by {@link HostServer} and registered before the server starts (Javalin 7 wants all
 * routes up front).
 */
public interface HostModule {
    void register(RouteRegistry routes);

    /** Called after the HTTP server is up (may start background work; must not block). */
    default void start() {}

    default void stop() {}

    /** Extra fields for the Host's /healthz probe (e.g. docker availability). */
    default java.util.Map<String, Object> healthInfo() { return java.util.Map.of(); }
}
