package io.hakuriver.client;

import io.hakuriver.config.ConfigOption;
import io.hakuriver.util.UsageError;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of `hakuriver.client` and its sub-commands. --config and --json are declared once on the client command
 * with inherited scope, so `hakuriver.client -c FILE logs 7` and `hakuriver.client logs 7 -c FILE` both work;
 * sub-commands find them through the command hierarchy.
 */
public abstract class ClientSupport {
    @Spec public CommandSpec spec;

    private HostClient client;

    /** Implemented by the top-level client command, which owns the shared options. */
    public interface Root {
        ConfigOption configOption();
        boolean jsonOutput();
    }

    protected Root root() {
        CommandSpec s = spec;
        while (s != null) {
            if (s.userObject() instanceof Root r) return r;
            s = s.parent();
        }
        throw new IllegalStateException("client sub-command used outside hakuriver.client");
    }

    protected boolean json() { return root().jsonOutput(); }

    protected HostClient client() {
        if (client == null) client = new HostClient(root().configOption().load());
        return client;
    }

    protected static long id(String s) {
        try { return Long.parseLong(s.trim()); }
        catch (NumberFormatException e) { throw new UsageError("'" + s + "' is not a task id (a decimal number)"); }
    }
}
