package io.hakuriver.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.util.ExitCodes;
import io.hakuriver.util.RemoteError;
import io.hakuriver.util.UsageError;
import io.hakuriver.util.VersionProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

import java.util.ArrayList;
import java.util.List;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/** {@code hakuriver.client node drain NAME [--wait]} and {@code node undrain NAME}: maintenance of one node. */
@Command(name = "node", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Drain a node for maintenance (it takes no new tasks, running ones finish) or end the drain.",
        subcommands = {NodeCommand.Drain.class, NodeCommand.Undrain.class})
public class NodeCommand extends ClientSupport implements Callable<Integer> {
    /** Words that are not drain/undrain: most likely a program named node, which needs "--" before it. */
    @Parameters(arity = "0..*", hidden = true) List<String> program = new ArrayList<>();
    @Unmatched List<String> unmatched = new ArrayList<>();

    @Override public Integer call() {
        if (program.isEmpty() && unmatched.isEmpty()) {
            spec.commandLine().usage(System.out);
            return ExitCodes.OK;
        }
        throw new UsageError("'node' is the sub-command 'node drain|undrain NAME'; to run the program node, put -- before it: "
                + "hakuriver.client [task options] -- node " + String.join(" ", java.util.stream.Stream.concat(unmatched.stream(), program.stream()).toList()));
    }

    static String path(String name, String action) {
        return "/nodes/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20") + "/" + action;
    }

    @Command(name = "drain", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = {"Drain a node: it takes no new tasks (queued ones wait or go elsewhere); its running tasks finish.",
                    "The drain stays until `node undrain`, across Runner and Host restarts."})
    public static class Drain extends ClientSupport implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "The node's name, as in --list-nodes.") String name;
        @Option(names = "--wait", description = "Return only when the node holds no task any more (idle).") boolean waitFor;
        @Option(names = "--poll-interval", paramLabel = "SEC", defaultValue = "1", description = "Poll period for --wait (default ${DEFAULT-VALUE} s).")
        double pollInterval;

        @Override public Integer call() throws InterruptedException {
            if (!(pollInterval > 0)) throw new UsageError("--poll-interval must be positive.");
            JsonNode n = client().post(path(name, "drain"), null);
            if (!waitFor) { print(n, json()); return ExitCodes.OK; }
            PatientHost host = new PatientHost(client(), RetryPolicy.standard(), System.err);
            int shown = -1;
            while (true) {
                int holding = n.path("running_tasks").size();
                if (holding == 0) break;
                if (holding != shown && !json()) System.err.println("Node " + name + " is draining: " + Style.count(holding, "task") + " still on it…");
                shown = holding;
                Thread.sleep(Math.max(100, (long) (pollInterval * 1000)));
                n = find(host.get("/nodes"));
                if (!n.path("drain").asBoolean()) throw new RemoteError("node " + name + " was undrained while waiting");
            }
            print(n, json());
            return ExitCodes.OK;
        }

        private JsonNode find(JsonNode nodes) {
            for (JsonNode n : nodes) if (name.equals(n.path("hostname").asText())) return n;
            throw new RemoteError("node " + name + " is no longer known to the Host");
        }
    }

    @Command(name = "undrain", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "End a node's drain: it takes new tasks again.")
    public static class Undrain extends ClientSupport implements Callable<Integer> {
        @Parameters(paramLabel = "NAME") String name;
        @Override public Integer call() {
            print(client().post(path(name, "undrain"), null), json());
            return ExitCodes.OK;
        }
    }

    static void print(JsonNode n, boolean json) {
        if (json) { Printer.json(System.out, n); return; }
        String state = n.path("drain_state").isNull() ? "takes tasks (not drained)" : n.path("drain_state").asText();
        System.out.println("Node " + n.path("hostname").asText() + ": " + state + ", "
                + Style.count(n.path("running_tasks").size(), "task") + " on it");
    }
}
