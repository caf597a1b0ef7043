package io.hakuriver.client;

import io.hakuriver.cli.ConfigOption;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options every client sub-command shares: --config, --json. */
public abstract class ClientSupport {
    @Mixin public ConfigOption config;

    @Option(names = "--json", description = "Print the Host's JSON instead of a table.")
    public boolean json;

    private HostClient client;

    protected HostClient client() {
        if (client == null) client = new HostClient(config.load());
        return client;
    }

    protected static long id(String s) {
        try { return Long.parseLong(s.trim()); }
        catch (NumberFormatException e) { throw new io.hakuriver.cli.Main.UsageError("'" + s + "' is not a task id (a decimal number)"); }
    }
}
