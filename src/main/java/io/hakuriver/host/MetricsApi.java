package io.hakuriver.host;

/**
 * GET /metrics in the Prometheus text format. Behind the token like every API route, unless
 * {@code [security] metrics_public = true} (checked where the token is, in {@link HostServer}).
 */
final class MetricsApi {
    private final HostCore core;

    MetricsApi(HostCore core) { this.core = core; }

    void register(RouteRegistry r) {
        r.get("/metrics", ctx -> ctx.contentType(MetricsText.CONTENT_TYPE).result(core.metricsText()));
    }
}
