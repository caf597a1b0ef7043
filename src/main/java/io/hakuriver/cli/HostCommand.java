package io.hakuriver.cli;

import picocli.CommandLine.Command;

/** Placeholder until its owner writes it. */
@Command(name = "host", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class)
public class HostCommand implements java.util.concurrent.Callable<Integer> {
    @Override public Integer call() { System.err.println("host: not built yet"); return ExitCodes.FAILURE; }
}
