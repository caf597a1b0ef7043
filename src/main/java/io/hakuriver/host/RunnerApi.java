package io.hakuriver.host;

import io.hakuriver.api.HeartbeatRequest;
import io.hakuriver.api.InvalidBody;
import io.hakuriver.api.RegisterRequest;
import io.hakuriver.api.UpdateRequest;
import io.hakuriver.api.UpdateResult;
import io.hakuriver.api.WireHeaders;
import io.hakuriver.api.WireReader;
import io.hakuriver.http.ApiException;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Runner-facing endpoints: /register, /heartbeat/{hostname}, /update, /updates (spec §3.1). Each body is read into
 * its wire record by {@link WireReader} (every problem in one 422, see HostServer) and handed to {@link HostCore}.
 */
final class RunnerApi {
    private static final WireReader<RegisterRequest> REGISTER = WireReader.of(RegisterRequest.class);
    private static final WireReader<HeartbeatRequest> HEARTBEAT = WireReader.of(HeartbeatRequest.class);
    private static final WireReader<UpdateRequest> UPDATE = WireReader.of(UpdateRequest.class);

    private final HostCore core;

    RunnerApi(HostCore core) { this.core = core; }

    void register(RouteRegistry r) {
        r.post("/register", this::registerRunner);
        r.put("/heartbeat/{hostname}", this::heartbeat);
        r.post("/update", this::update);
        r.post("/updates", this::updates);
    }

    private void registerRunner(Context ctx) {
        RegisterRequest r = REGISTER.read(ctx.bodyAsBytes());
        core.register(r);
        ctx.json(Map.of("message", "Runner " + r.hostname() + " acknowledged."));
    }

    private void heartbeat(Context ctx) {
        core.heartbeat(ctx.pathParam("hostname"), HEARTBEAT.read(ctx.bodyAsBytes()));
        ctx.json(Map.of("message", "Heartbeat received"));
    }

    /** The Runner that sent a request, when it says (ours do; an original Runner does not). */
    private static String sender(Context ctx) {
        String name = ctx.header(WireHeaders.RUNNER);
        return name == null || name.isBlank() ? null : name.trim();
    }

    private void update(Context ctx) {
        ctx.json(Map.of("message", core.runnerUpdate(applicable(UPDATE.read(ctx.bodyAsBytes())), sender(ctx))));
    }

    /** Most updates in one /updates call: a Runner sends what it has queued, in chunks of at most this. */
    static final int MAX_UPDATES_PER_CALL = 1000;

    /**
     * POST /updates (ours; an original Host answers 404 and our Runner falls back to /update): {"updates": [...]}
     * with /update bodies; answers {"results": [...]} ({@link UpdateResult}) in the same order. An element that does
     * not read as an update gets the 422 /update would have answered; the others are applied all the same.
     */
    private void updates(Context ctx) {
        if (!(WireReader.tree(ctx.bodyAsBytes()).get("updates") instanceof List<?> list)) throw ApiException.validation("updates", "updates must be a list of /update bodies", "list_type");
        if (list.size() > MAX_UPDATES_PER_CALL) throw ApiException.validation("updates", "at most " + MAX_UPDATES_PER_CALL + " updates per call", "too_long");
        List<HostCore.Update> parsed = new ArrayList<>(list.size());
        UpdateResult[] results = new UpdateResult[list.size()];
        for (int i = 0; i < list.size(); i++) {
            try {
                parsed.add(applicable(UPDATE.read(list.get(i))));
            } catch (InvalidBody e) {
                Object id = list.get(i) instanceof Map<?, ?> m ? m.get("task_id") : null;
                results[i] = new UpdateResult(id instanceof Long l ? l : null, 422, null,
                        ApiException.invalid(e).detail);
            }
        }
        Iterator<HostCore.UpdateResult> applied = core.runnerUpdates(parsed, sender(ctx)).iterator();
        for (int i = 0; i < results.length; i++) {
            if (results[i] != null) continue;
            HostCore.UpdateResult r = applied.next();
            results[i] = new UpdateResult(r.taskId(), r.status(), r.message(), null);
        }
        ctx.json(new UpdateResult.All(List.of(results)));
    }

    private static HostCore.Update applicable(UpdateRequest u) {
        return new HostCore.Update(u.taskId(), u.status(), u.exitCode(), u.message(), u.started(), u.completed());
    }
}
