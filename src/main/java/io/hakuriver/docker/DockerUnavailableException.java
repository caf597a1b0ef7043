package io.hakuriver.docker;

import java.io.IOException;

/** The Docker engine cannot be reached (socket missing, connection refused): HTTP 503 on the Host, a task failure on a Runner. */
public class DockerUnavailableException extends IOException {
    public DockerUnavailableException(String message) { super(message); }
    public DockerUnavailableException(String message, Throwable cause) { super(message, cause); }
}
