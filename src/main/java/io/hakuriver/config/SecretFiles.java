package io.hakuriver.config;

import io.hakuriver.util.PrivatePaths;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Says when the cluster's token lies in a file others may read: a config file holding {@code token = "…"}, or
 * {@code token_file}. Under {@code runner_user} tasks run as another account; a 0644 file hands them the token.
 */
public final class SecretFiles {
    private static final Pattern TOKEN_KEY = Pattern.compile("(?m)^\\s*token\\s*=\\s*[\"'][^\"']+[\"']");

    private SecretFiles() {}

    /** One sentence per readable secret file, naming it and the fix; empty when all are private. */
    public static List<String> problems(HakuConfig cfg) {
        List<String> out = new ArrayList<>();
        for (Path src : cfg.sources()) {
            if (holdsToken(src) && PrivatePaths.readableByOthers(src)) {
                out.add("Config file " + src + " holds the [security] token and is readable by other accounts (tasks too):"
                        + " run 'chmod 600 " + src + "'.");
            }
        }
        String tf = cfg.security().tokenFile();
        if (!tf.isBlank() && PrivatePaths.readableByOthers(Path.of(tf))) {
            Path p = Path.of(tf).toAbsolutePath();
            out.add("security.token_file " + p + " is readable by other accounts (tasks too): run 'chmod 600 " + p + "'.");
        }
        return out;
    }

    private static boolean holdsToken(Path file) {
        try {
            return TOKEN_KEY.matcher(Files.readString(file)).find();
        } catch (IOException e) {
            return false;
        }
    }
}
