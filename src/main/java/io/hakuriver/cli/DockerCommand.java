package io.hakuriver.cli;

import picocli.CommandLine.Command;

/** Placeholder until its owner writes it. */
@Command(name = "docker", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class)
public class DockerCommand implements java.util.concurrent.Callable<Integer> {
    @Override public Integer call() { System.err.println("docker: not built yet"); return ExitCodes.FAILURE; }
}
