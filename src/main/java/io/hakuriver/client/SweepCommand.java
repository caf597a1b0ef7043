package io.hakuriver.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.util.ExitCodes;
import io.hakuriver.util.RemoteError;
import io.hakuriver.util.UsageError;
import io.hakuriver.util.VersionProvider;
import io.hakuriver.hakurun.HakurunInputException;
import io.hakuriver.hakurun.ShellQuoting;
import io.hakuriver.hakurun.cluster.SweepElements;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code hakuriver.client sweep [task options] [--max-running N] [--wait] -- COMMAND ARGS...}: every combination of
 * the span: values in ARGS becomes one task, all submitted in one request as one batch.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Submit every combination of the span: values in ARGS as one batch of tasks.",
                "span:{A..B} = integers A..B inclusive; span:[x,y] = listed items (backslash escapes , [ ] \\ space).",
                "Quote span arguments: unquoted span:{1..3} is brace-expanded by bash itself."},
        footer = {"", "Example:",
                "  hakuriver.client sweep --cores 1 --max-running 4 --wait -- python3 /shared/train.py --seed 'span:{1..100}'",
                "Exit status with --wait: 0 if every element completed, 1 otherwise."})
public class SweepCommand extends ClientSupport implements Callable<Integer> {

    @Mixin TaskOptions task;

    @Option(names = "--max-running", paramLabel = "N",
            description = "At most N elements of this batch hold resources at once (the Host enforces it).")
    Integer maxRunning;

    @Option(names = "--wait", description = "Wait until every element is final, with a progress bar; then show the batch.")
    boolean waitFor;

    @Option(names = "--poll-interval", paramLabel = "SEC", defaultValue = "1",
            description = "Poll period for --wait (default ${DEFAULT-VALUE} s).")
    double pollInterval;

    @Option(names = "--dry-run", description = "Print the command line of every element and submit nothing.")
    boolean dryRun;

    @Parameters(index = "0", paramLabel = "COMMAND", description = "The program every element runs (never expanded).")
    String command;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "Its arguments; span: arguments are expanded.")
    List<String> arguments = new ArrayList<>();

    /** Options only before COMMAND: everything after it belongs to the task, even words that look like options. */
    @CommandLine.Spec
    void configure(CommandLine.Model.CommandSpec spec) {
        spec.parser().stopAtPositional(true);
    }

    @Override public Integer call() throws InterruptedException {
        if (maxRunning != null && maxRunning < 1) throw new UsageError("--max-running must be at least 1, got " + maxRunning + ".");
        if (!(pollInterval > 0)) throw new UsageError("--poll-interval must be positive.");
        List<List<String>> sets;
        try {
            sets = SweepElements.argumentSets(arguments);
        } catch (HakurunInputException e) {
            throw new UsageError(e.getMessage());
        }
        if (dryRun) {
            for (List<String> set : sets) {
                List<String> argv = new ArrayList<>(List.of(command));
                argv.addAll(set);
                System.out.println(ShellQuoting.join(argv));
            }
            return ExitCodes.OK;
        }
        Map<String, Object> body = task.body(command, List.of());
        body.put("argument_sets", sets);
        body.put("max_running", maxRunning);
        JsonNode resp = client().post("/submit", body);
        String batchId = resp.path("batch_id").asText(null);
        int created = resp.path("task_ids").size();
        if (batchId == null || created != sets.size()) {
            // A Host without sweep support ignores argument_sets and creates one task per target.
            throw new RemoteError("the Host created " + created + " task(s) for " + sets.size()
                    + " combinations and " + (batchId == null ? "no batch id" : "batch " + batchId)
                    + ": does it support sweeps (argument_sets)? Response: " + resp);
        }
        if (json() && !waitFor) {
            Printer.json(System.out, resp);
        } else {
            System.out.println("Batch " + batchId + ": " + created + " tasks submitted"
                    + (maxRunning == null ? "" : ", at most " + maxRunning + " running at once") + ".");
            System.out.println("  hakuriver.client batch " + batchId + "          # show it");
            System.out.println("  hakuriver.client batch " + batchId + " --kill   # kill it");
        }
        if (!waitFor) return ExitCodes.OK;
        return BatchCommand.waitAndReport(client(), batchId, pollInterval, json());
    }
}
