package io.hakuriver.cli;

import picocli.CommandLine.Command;

/** Placeholder until its owner writes it. */
@Command(name = "docker-shell", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class)
public class DockerShellCommand implements java.util.concurrent.Callable<Integer> {
    @Override public Integer call() { System.err.println("docker-shell: not built yet"); return ExitCodes.FAILURE; }
}
