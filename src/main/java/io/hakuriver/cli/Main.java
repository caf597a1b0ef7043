package io.hakuriver.cli;

import io.hakuriver.config.ConfigException;
import io.hakuriver.util.ExitCodes;
import io.hakuriver.util.RemoteError;
import io.hakuriver.util.UsageError;

/**
 * Entry point of the single jar. The launcher scripts (bin/hakuriver.host, ...) call it with the sub-command
 * name first: {@code java -jar hakuriver.jar host --config ...}. It holds no picocli type on purpose: verifying a
 * class that does loads picocli, and a daemon started the plain way never needs it ({@link #plainConfig}).
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        boolean daemon = args.length > 0 && (args[0].equals("runner") || args[0].equals("host"));
        java.nio.file.Path config = daemon ? plainConfig(args) : null;
        if (config != null) return runDirectly(args[0], config);
        return RootCommand.execute(args);
    }

    /**
     * The config file of a daemon started the way units and launchers start it ({@code runner --config PATH},
     * {@code -c PATH}, {@code --config=PATH}); null for anything else (help, version, mistakes), which picocli handles.
     */
    static java.nio.file.Path plainConfig(String[] args) {
        if (args.length == 3 && (args[1].equals("--config") || args[1].equals("-c")) && !args[2].isEmpty() && !args[2].startsWith("-")) {
            return java.nio.file.Path.of(args[2]);
        }
        if (args.length == 2 && args[1].startsWith("--config=") && args[1].length() > "--config=".length()) {
            return java.nio.file.Path.of(args[1].substring("--config=".length()));
        }
        return null;
    }

    /**
     * A daemon's usual start without picocli's parser: its ~170 classes and their reflection would stay in the
     * memory of a process that parses one option once. Same outcome and exit codes as through picocli.
     */
    private static int runDirectly(String daemon, java.nio.file.Path config) {
        java.io.PrintWriter err = new java.io.PrintWriter(System.err, true);
        try {
            if (daemon.equals("runner")) {
                RunnerCommand r = new RunnerCommand();
                r.config = new io.hakuriver.config.ConfigOption(config);
                return r.call();
            }
            HostCommand h = new HostCommand();
            h.config = new io.hakuriver.config.ConfigOption(config);
            return h.call();
        } catch (Exception e) {
            return failed(e, err);
        }
    }

    /** How a command's exception ends the process: the message a user needs, and the exit code that says what it was. */
    static int failed(Exception ex, java.io.PrintWriter err) {
        if (ex instanceof ConfigException) {
            err.println("Configuration error: " + ex.getMessage());
            return ExitCodes.USAGE;
        }
        if (ex instanceof UsageError) {
            err.println("Error: " + ex.getMessage());
            return ExitCodes.USAGE;
        }
        if (ex instanceof RemoteError) {
            err.println("Error: " + ex.getMessage());
            return ExitCodes.FAILURE;
        }
        err.println("Error: " + ex);
        return ExitCodes.FAILURE;
    }

}
