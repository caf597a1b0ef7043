package io.hakuriver.cli;

import picocli.CommandLine.Command;

/** Placeholder until its owner writes it. */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class)
public class DemoCommand implements java.util.concurrent.Callable<Integer> {
    @Override public Integer call() { System.err.println("demo: not built yet"); return ExitCodes.FAILURE; }
}
