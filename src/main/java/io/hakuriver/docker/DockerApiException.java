package io.hakuriver.docker;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.util.Json;

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
            JsonNode n = Json.tree(msg);
            if (n.hasNonNull("message")) msg = n.get("message").asText();
        } catch (RuntimeException notJson) { /* keep the raw text */ }
        return new DockerApiException(status, msg, what);
    }

    public int status() { return status; }
    public String engineMessage() { return engineMessage; }
    public boolean notFound() { return status == 404; }
}
