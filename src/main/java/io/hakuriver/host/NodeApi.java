package io.hakuriver.host;

import io.hakuriver.cli.VersionProvider;
import io.hakuriver.store.NodeRecord;
import io.hakuriver.store.TaskRecord;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** /nodes, /health and the unauthenticated probe /healthz. */
final class NodeApi {
    private final ClusterState state;
    private final HealthSampler sampler;
    private final boolean authRequired;
    private final List<HostModule> modules;

    NodeApi(ClusterState state, HealthSampler sampler, boolean authRequired, List<HostModule> modules) {
        this.state = state;
        this.sampler = sampler;
        this.authRequired = authRequired;
        this.modules = modules;
    }

    void register(RouteRegistry r) {
        r.get("/nodes", this::nodes);
        r.get("/health", ctx -> ctx.json(sampler.snapshot(ctx.queryParam("hostname"))));
        r.get("/healthz", this::healthz);
    }

    private void nodes(Context ctx) {
        List<Map<String, Object>> out = new ArrayList<>();
        synchronized (state.lock()) {
            Map<String, List<String>> running = new HashMap<>();
            for (TaskRecord t : state.activeTasks()) {
                if (t.assignedNode != null && io.hakuriver.api.TaskStatus.HOLDS_RESOURCES.contains(t.status)) {
                    running.computeIfAbsent(t.assignedNode, k -> new ArrayList<>()).add(String.valueOf(t.taskId));
                }
            }
            for (NodeRecord n : state.nodes()) {
                out.add(Views.node(n, state.usage(n.hostname), running.getOrDefault(n.hostname, List.of())));
            }
        }
        ctx.json(out);
    }

    private void healthz(Context ctx) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        m.put("version", VersionProvider.version());
        m.put("auth_required", authRequired);
        synchronized (state.lock()) {
            m.put("nodes_online", state.nodes().stream().filter(NodeRecord::online).count());
            m.put("tasks_queued", state.queued());
        }
        for (HostModule mod : modules) m.putAll(mod.healthInfo());
        ctx.json(m);
    }
}
