package io.hakuriver.docker;

import io.hakuriver.api.WireJson;
import io.hakuriver.util.JsonTree;
import java.util.Map;

import java.io.IOException;

/** The Docker engine answered with an error status; {@code message} is the engine's own text. */
public class DockerApiException extends IOException {
    private final int status;
    private final String engineMessage;

    public DockerApiException(int status, String engineMessage, String what) {
        super(what + " -> " + status + ": " + engineMessage);
        this.status = status;
        this.engineMessage = engineMessage;
    }

    /** Builds the exception from an error body, which the engine sends as {"message": "..."}. */
    public static DockerApiException from(int status, String body, String what) {
        String msg = body == null ? "" : body.trim();
        try {
            if (WireJson.parse(msg) instanceof Map<?, ?> m && m.get("message") != null) msg = JsonTree.text(m.get("message"), msg);
        } catch (java.io.IOException | RuntimeException notJson) { /* keep the raw text */ }
        return new DockerApiException(status, msg, what);
    }

    public int status() { return status; }
    public String engineMessage() { return engineMessage; }
    public boolean notFound() { return status == 404; }
}
