package io.hakuriver.cli;

import picocli.CommandLine.Command;

/** Placeholder until its owner writes it. */
@Command(name = "runner", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class)
public class RunnerCommand implements java.util.concurrent.Callable<Integer> {
    @Override public Integer call() { System.err.println("runner: not built yet"); return ExitCodes.FAILURE; }
}
