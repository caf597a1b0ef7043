package io.hakuriver.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.config.ConfigOption;
import io.hakuriver.util.ExitCodes;
import io.hakuriver.util.RemoteError;
import io.hakuriver.util.UsageError;
import io.hakuriver.util.VersionProvider;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * hakuriver.client. Keeps every flag of the original (`--status`, `--kill`, `--list-nodes`, `--health`, `--target`,
 * ..., `-- CMD ARGS`) and adds sub-commands for what the original promised but never had. A word after `--` is
 * always part of the task's command: `hakuriver.client -- pause 10` submits a task that runs `pause 10`.
 */
@Command(name = "client", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Submit and manage HakuRiver tasks.",
                "  hakuriver.client [task options] [--wait] -- COMMAND [ARGS...]",
                "  hakuriver.client --status ID | --kill ID | --list-nodes | --health [HOST]"},
        subcommands = {ControlCommands.Pause.class, ControlCommands.Resume.class, ControlCommands.Kill.class,
                LogsCommand.class, TasksCommand.class, SweepCommand.class, BatchCommand.class,
                NodeCommand.class, ControlCommands.Priority.class, WaitCommand.class,
                StatusCommand.class})
public class ClientCommand extends ClientSupport implements Callable<Integer>, ClientSupport.Root {
    @Option(names = {"-c", "--config"}, paramLabel = "PATH", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Configuration file; layered over $HAKURIVER_CONFIG, ~/.hakuriver/config.toml and the defaults.")
    java.nio.file.Path configPath;
    private ConfigOption config;
    @Option(names = "--json", scope = picocli.CommandLine.ScopeType.INHERIT, description = "Print the Host's JSON instead of tables.")
    boolean json;

    @Override public ConfigOption configOption() { if (config == null) config = new ConfigOption(configPath); return config; }
    @Override public boolean jsonOutput() { return json; }


    static class Query {
        @Option(names = "--status", paramLabel = "TASK_ID", description = "Show one task.") String status;
        @Option(names = "--kill", paramLabel = "TASK_ID", description = "Kill a task.") String kill;
        @Option(names = "--pause", paramLabel = "TASK_ID", description = "Pause a running task.") String pause;
        @Option(names = "--resume", paramLabel = "TASK_ID", description = "Resume a paused task.") String resume;
        @Option(names = "--stdout", paramLabel = "TASK_ID", description = "Print a task's stdout.") String stdout;
        @Option(names = "--stderr", paramLabel = "TASK_ID", description = "Print a task's stderr.") String stderr;
        @Option(names = "--list-nodes", description = "List nodes.") boolean listNodes;
        @Option(names = "--list-tasks", description = "List the newest tasks (see the `tasks` sub-command for filters).") boolean listTasks;
        @Option(names = "--health", arity = "0..1", fallbackValue = "", paramLabel = "HOST", description = "Cluster health (or one node's).") String health;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1") Query query;
    @Mixin TaskOptions task;
    @Option(names = "--wait", description = "Wait until the task(s) finish; exit with the task's exit code.") boolean waitFor;
    @Option(names = "--poll-interval", paramLabel = "SEC", defaultValue = "1", description = "Poll period for --wait (default ${DEFAULT-VALUE} s).") double pollInterval;
    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command to run and its arguments (after --).")
    List<String> command = new ArrayList<>();

    @Override public Integer call() throws Exception {
        if (query != null && !command.isEmpty()) throw new UsageError("a query option (--status, --kill, ...) cannot be combined with a command");
        if (query != null) return query();
        if (command.isEmpty()) {
            // `hakuriver.client --` (or `--wait --`) means "run this", and nothing follows: that is a mistake, not a help request
            if (spec.commandLine().getParseResult().originalArgs().contains("--")) {
                throw new UsageError("no command after '--': give the program to run, e.g. hakuriver.client -- echo hello");
            }
            spec.commandLine().usage(System.out);
            return ExitCodes.OK;
        }
        JsonNode resp = client().post("/submit", task.body(command.get(0), command.subList(1, command.size())));
        List<String> ids = new ArrayList<>();
        resp.path("task_ids").forEach(n -> ids.add(n.asText()));
        if (json) Printer.json(System.out, resp);
        else {
            // our own words rather than the Host's message ("1 tasks created" is the original's wire text)
            int failed = resp.path("failed_targets").size();
            System.out.println("Submitted " + Style.count(ids.size(), "task") + (failed == 0 ? "." : "; " + Style.count(failed, "target") + " could not take it:"));
            resp.path("failed_targets").forEach(f -> System.out.println("  --target " + f.path("target").asText() + ": " + f.path("reason").asText()));
            for (String id : ids) System.out.println("  task " + id);
        }
        if (ids.isEmpty()) return ExitCodes.FAILURE;
        if (!waitFor) return ExitCodes.OK;
        return new TaskWaiter(client(), (long) (pollInterval * 1000), !json).waitFor(ids);
    }

    /** --health NODE for a node the Host does not know is an error (the Host itself answers with the whole cluster). */
    private void requireKnownNode(String name) {
        List<String> known = new ArrayList<>();
        client().get("/nodes").forEach(n -> known.add(n.path("hostname").asText()));
        if (!known.contains(name)) {
            throw new RemoteError("unknown node '" + name + "'" + (known.isEmpty() ? ": no node has registered yet"
                    : "; known nodes: " + String.join(", ", known)));
        }
    }

    private int query() throws Exception {
        if (query.status != null) {
            JsonNode t = client().get("/status/" + id(query.status));
            if (json) Printer.json(System.out, t); else Printer.task(System.out, t);
        } else if (query.kill != null) {
            JsonNode r = client().post("/kill/" + id(query.kill), null);
            System.out.println(json ? r.toPrettyString() : r.path("message").asText());
        } else if (query.pause != null || query.resume != null) {
            String id = query.pause != null ? query.pause : query.resume;
            JsonNode r = client().post("/command/" + id(id) + "/" + (query.pause != null ? "pause" : "resume"), null);
            System.out.println(json ? r.toPrettyString() : r.path("message").asText());
        } else if (query.stdout != null || query.stderr != null) {
            String id = query.stdout != null ? query.stdout : query.stderr;
            var r = client().stream("/task/" + id(id) + (query.stdout != null ? "/stdout" : "/stderr"));
            if (r == null) { System.err.println("(no output yet)"); return ExitCodes.OK; }
            try (InputStream in = r.body()) { in.transferTo(System.out); }
        } else if (query.listNodes) {
            JsonNode n = client().get("/nodes");
            if (json) Printer.json(System.out, n); else Printer.nodes(System.out, n);
        } else if (query.listTasks) {
            JsonNode n = client().get("/tasks?limit=50");
            if (json) Printer.json(System.out, n); else Printer.tasks(System.out, n);
        } else if (query.health != null) {
            if (!query.health.isBlank()) requireKnownNode(query.health);
            String host = query.health.isBlank() ? "" : "?hostname=" + URLEncoder.encode(query.health, StandardCharsets.UTF_8);
            JsonNode h = client().get("/health" + host);
            if (json) { Printer.json(System.out, h); return ExitCodes.OK; }
            JsonNode agg = h.path("aggregate");
            JsonNode last = agg.isEmpty() ? null : agg.get(agg.size() - 1);
            if (last == null) { System.out.println("No health samples yet."); return ExitCodes.OK; }
            System.out.printf("Nodes online: %s/%s  cores: %s  CPU: %s%%  memory: %s%%  (as of %s)%n",
                    last.path("onlineNodes").asText(), last.path("totalNodes").asText(), last.path("totalCores").asText(),
                    last.path("avgCpuPercent").asText(), last.path("avgMemPercent").asText(), Printer.time(last.path("lastUpdated")));
            JsonNode nodes = h.path("nodes");
            if (!nodes.isEmpty()) {
                for (JsonNode n : nodes.get(nodes.size() - 1)) {
                    System.out.printf("  %-20s %-8s cpu %5s%%  mem %5s%%  cores %s%n", n.path("hostname").asText(), n.path("status").asText(),
                            n.path("cpu_percent").asText("-"), n.path("memory_percent").asText("-"), n.path("total_cores").asText());
                }
            }
            // GPUs with their holders come from /nodes: the samples carry figures, the holders are live state
            JsonNode all = client().get("/nodes");
            if (!query.health.isBlank()) {
                com.fasterxml.jackson.databind.node.ArrayNode one = io.hakuriver.util.Json.MAPPER.createArrayNode();
                all.forEach(n -> { if (query.health.equals(n.path("hostname").asText())) one.add(n); });
                all = one;
            }
            Printer.gpuTable(System.out, all);
        }
        return ExitCodes.OK;
    }
}
