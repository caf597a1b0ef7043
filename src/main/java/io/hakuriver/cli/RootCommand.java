package io.hakuriver.cli;

import io.hakuriver.client.ClientCommand;
import io.hakuriver.util.ExitCodes;
import io.hakuriver.util.VersionProvider;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The picocli command tree of the jar: {@code hakuriver <sub-command> ...}. {@link Main} is the entry point. */
@Command(name = "hakuriver", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "HakuRiver: a small cluster manager for 3-20 machines.")
public class RootCommand implements Runnable {
    /** Every sub-command, in the order the help lists them. */
    private static final List<Supplier<Object>> COMMANDS = List.of(HostCommand::new, RunnerCommand::new,
            ClientCommand::new, InitCommand::new, DockerCommand::new, DockerShellCommand::new, HakurunCommand::new,
            DemoCommand::new, CompletionCommand::new);
    /**
     * A daemon's JVM gets its own command alone: the model of the whole tree (every client sub-command and option)
     * stays loaded for the life of the process, about 3 MiB of a Runner that should fit in 64.
     */
    private static final Map<String, Supplier<Object>> DAEMONS = Map.of("host", HostCommand::new, "runner", RunnerCommand::new);

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(System.out); }

    static int execute(String... args) {
        Supplier<Object> daemon = args.length > 0 ? DAEMONS.get(args[0]) : null;
        CommandLine cl = daemon != null ? withCommands(List.of(daemon)) : commandLine();
        return cl.execute(args);
    }

    /** The whole command tree. */
    public static CommandLine commandLine() { return withCommands(COMMANDS); }

    private static CommandLine withCommands(List<Supplier<Object>> commands) {
        CommandLine cl = new CommandLine(new RootCommand());
        for (Supplier<Object> c : commands) cl.addSubcommand(c.get());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> Main.failed(ex, commandLine.getErr()));
        cl.setExitCodeExceptionMapper(t -> t instanceof CommandLine.ParameterException ? ExitCodes.USAGE : ExitCodes.FAILURE);
        return cl;
    }
}
