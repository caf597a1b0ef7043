package io.hakuriver.config;

/** A configuration problem the user must fix; the message names the file, the key and what to do. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) { super(message); }
    public ConfigException(String message, Throwable cause) { super(message, cause); }
}
