package io.hakuriver.http;

import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Shared bearer token check (constant-time). An empty token means the cluster is open, as the original was. */
public final class Auth {
    private final byte[] token;

    public Auth(String token) { this.token = token == null ? new byte[0] : token.getBytes(StandardCharsets.UTF_8); }

    public boolean enabled() { return token.length > 0; }

    public boolean accepts(String presented) {
        if (!enabled()) return true;
        if (presented == null) return false;
        return MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
    }

    /** Token from "Authorization: Bearer X", or (for WebSocket upgrades from browsers) the ?token= parameter. */
    public static String presented(Context ctx, boolean allowQuery) {
        String bearer = bearer(ctx.header("Authorization"));
        return bearer != null || !allowQuery ? bearer : ctx.queryParam("token");
    }

    /** The token of an "Authorization: Bearer X" header value, or null. */
    public static String bearer(String authorization) {
        String h = authorization;
        return h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).trim() : null;
    }
}
