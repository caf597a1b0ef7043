package io.hakuriver.cli;

import picocli.CommandLine.Command;

/** Placeholder until its owner writes it. */
@Command(name = "init", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class)
public class InitCommand implements java.util.concurrent.Callable<Integer> {
    @Override public Integer call() { System.err.println("init: not built yet"); return ExitCodes.FAILURE; }
}
