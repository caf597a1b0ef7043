package io.hakuriver.cli;

import io.hakuriver.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the single jar. The launcher scripts (bin/hakuriver.host, ...) call it with the sub-command
 * name first: {@code java -jar hakuriver.jar host --config ...}.
 */
@Command(name = "hakuriver", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "HakuRiver: a small cluster manager for 3-20 machines.",
        subcommands = {HostCommand.class, RunnerCommand.class, ClientCommand.class, InitCommand.class,
                DockerCommand.class, DockerShellCommand.class, HakurunCommand.class, DemoCommand.class,
                CompletionCommand.class})
public class Main implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(System.out); }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof ConfigException) {
                commandLine.getErr().println("Configuration error: " + ex.getMessage());
                return ExitCodes.USAGE;
            }
            if (ex instanceof UsageError) {
                commandLine.getErr().println("Error: " + ex.getMessage());
                return ExitCodes.USAGE;
            }
            if (ex instanceof RemoteError) {
                commandLine.getErr().println("Error: " + ex.getMessage());
                return ExitCodes.FAILURE;
            }
            commandLine.getErr().println("Error: " + ex);
            return ExitCodes.FAILURE;
        });
        cl.setExitCodeExceptionMapper(t -> t instanceof CommandLine.ParameterException ? ExitCodes.USAGE : ExitCodes.FAILURE);
        return cl;
    }

    /** A usage problem found after parsing (exit 2). */
    public static class UsageError extends RuntimeException {
        public UsageError(String m) { super(m); }
    }

    /** The Host/Runner refused or could not be reached (exit 1). */
    public static class RemoteError extends RuntimeException {
        public RemoteError(String m) { super(m); }
        public RemoteError(String m, Throwable c) { super(m, c); }
    }
}
