package io.hakuriver.hakurun;

import io.hakuriver.cli.Main;
import io.hakuriver.client.BatchCommand;
import io.hakuriver.client.SweepCommand;
import picocli.CommandLine;

/**
 * The real entry point with {@code sweep} and {@code batch} added under {@code client} if the jar does not register
 * them yet. Only used by SweepClusterIT while the registration hook is pending; once ClientCommand lists them,
 * the IT calls the jar directly.
 */
public final class ClientWithSweepMain {
    private ClientWithSweepMain() {}

    public static void main(String[] args) {
        CommandLine cl = Main.commandLine();
        CommandLine client = cl.getSubcommands().get("client");
        if (!client.getSubcommands().containsKey("sweep")) client.addSubcommand(new SweepCommand());
        if (!client.getSubcommands().containsKey("batch")) client.addSubcommand(new BatchCommand());
        System.exit(cl.execute(args));
    }
}
