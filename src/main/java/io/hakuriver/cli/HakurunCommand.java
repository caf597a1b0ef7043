package io.hakuriver.cli;

import picocli.CommandLine.Command;

/** Placeholder until its owner writes it. */
@Command(name = "hakurun", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class)
public class HakurunCommand implements java.util.concurrent.Callable<Integer> {
    @Override public Integer call() { System.err.println("hakurun: not built yet"); return ExitCodes.FAILURE; }
}
