package io.hakuriver.cli;

import io.hakuriver.client.ClientCommand;
import io.hakuriver.config.ConfigException;
import io.hakuriver.util.ExitCodes;
import io.hakuriver.util.RemoteError;
import io.hakuriver.util.UsageError;
import io.hakuriver.util.VersionProvider;
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
}
