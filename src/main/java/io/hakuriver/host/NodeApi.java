package io.hakuriver.host;

import io.hakuriver.util.Version;
import io.hakuriver.store.NodeRecord;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** /nodes, /health and the unauthenticated probe /healthz. */
final class NodeApi {
    private final HostCore core;
    private final HealthSampler sampler;
    private final boolean authRequired;
    private final List<HostModule> modules;

    NodeApi(HostCore core, HealthSampler sampler, boolean authRequired, List<HostModule> modules) {
        this.core = core;
        this.sampler = sampler;
        this.authRequired = authRequired;
        this.modules = modules;
    }

    void register(RouteRegistry r) {
        r.get("/nodes", this::nodes);
        r.get("/health", ctx -> ctx.json(sampler.snapshot(ctx.queryParam("hostname"))));
        r.get("/healthz", this::healthz);
        r.post("/nodes/{hostname}/drain", ctx -> ctx.json(core.drain(ctx.pathParam("hostname"), true)));
        r.post("/nodes/{hostname}/undrain", ctx -> ctx.json(core.drain(ctx.pathParam("hostname"), false)));
    }

    private void nodes(Context ctx) { ctx.json(core.nodesView()); }

    private void healthz(Context ctx) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        m.put("version", Version.version());
        m.put("auth_required", authRequired);
        m.putAll(core.counts());
        for (HostModule mod : modules) m.putAll(mod.healthInfo());
        ctx.json(m);
    }
}
