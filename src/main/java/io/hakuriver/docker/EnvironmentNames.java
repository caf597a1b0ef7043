package io.hakuriver.docker;

import java.util.regex.Pattern;

/**
 * Names of environments and of Host containers. Docker image references must be lower case, and a name that
 * starts with '-' or contains '/' or '..' would be an option or a path escape (spec S8, C21), so every name taken
 * from a request passes {@link #validate} first.
 */
public final class EnvironmentNames {
    public static final Pattern VALID = Pattern.compile("^[a-z0-9][a-z0-9_.-]*$");
    private static final int MAX_LENGTH = 128;

    private EnvironmentNames() {}

    /** Returns the name unchanged, or throws IllegalArgumentException saying what is allowed. */
    public static String validate(String name) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("An environment/container name is required.");
        if (name.length() > MAX_LENGTH || !VALID.matcher(name).matches() || name.contains(".."))
            throw new IllegalArgumentException("Invalid environment/container name '" + name + "': use lower-case letters, digits, "
                    + "'_', '.', '-', starting with a letter or digit (pattern " + VALID.pattern() + ", no '..', at most " + MAX_LENGTH + " characters).");
        return name;
    }

    public static boolean isValid(String name) {
        try { validate(name); return true; } catch (IllegalArgumentException e) { return false; }
    }

    /** The image a Runner runs for an environment: hakuriver/&lt;env&gt;:base. */
    public static String imageTag(String env) { return "hakuriver/" + validate(env) + ":base"; }

    /** The environment of an image tag "hakuriver/&lt;env&gt;:base" (part between '/' and ':'), or null if it is not one. */
    public static String fromImage(String image) {
        if (image == null || !image.startsWith("hakuriver/") || !image.endsWith(":base")) return null;
        String env = image.substring("hakuriver/".length(), image.length() - ":base".length());
        return isValid(env) ? env : null;
    }
}
