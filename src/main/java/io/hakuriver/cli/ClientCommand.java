package io.hakuriver.cli;

import picocli.CommandLine.Command;

/** Placeholder until its owner writes it. */
@Command(name = "client", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class)
public class ClientCommand implements java.util.concurrent.Callable<Integer> {
    @Override public Integer call() { System.err.println("client: not built yet"); return ExitCodes.FAILURE; }
}
