package io.hakuriver.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.util.ExitCodes;
import io.hakuriver.util.RemoteError;
import io.hakuriver.util.UsageError;
import io.hakuriver.util.VersionProvider;
import io.hakuriver.hakurun.cluster.BatchReport;
import io.hakuriver.hakurun.cluster.BatchView;
import io.hakuriver.hakurun.cluster.BatchWaiter;
import io.hakuriver.hakurun.cluster.ProgressBar;
import io.hakuriver.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code hakuriver.client batch BATCH_ID [--wait] [--kill] [--json]}: a sweep's elements as one thing. */
@Command(name = "batch", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Show a batch (a sweep): counts by state and the failed elements with their arguments.",
                "Exit status: 0 if every element completed, 1 otherwise (also while some are still pending or running)."})
public class BatchCommand extends ClientSupport implements Callable<Integer> {

    @Parameters(paramLabel = "BATCH_ID", description = "The batch id printed by `sweep` (also the batch_id of its tasks).")
    String batchId;

    @Option(names = "--kill", description = "Kill every element that has not finished (pending ones never start).")
    boolean kill;

    @Option(names = "--wait", description = "Wait until every element is final, with a progress bar on a terminal.")
    boolean waitFor;

    @Option(names = "--poll-interval", paramLabel = "SEC", defaultValue = "1",
            description = "Poll period for --wait (default ${DEFAULT-VALUE} s).")
    double pollInterval;

    @Override public Integer call() throws InterruptedException {
        if (!(pollInterval > 0)) throw new UsageError("--poll-interval must be positive.");
        String id = String.valueOf(id(batchId));
        if (kill) {
            JsonNode r = client().post("/batches/" + id + "/kill", null);
            if (json()) Printer.json(System.out, r); else System.out.println(r.path("message").asText());
        }
        if (waitFor) return waitAndReport(client(), id, pollInterval, json());
        JsonNode raw = client().get("/batches/" + id);
        return report(raw, json());
    }

    /** Prints the batch (the Host's own JSON with --json) and returns the exit status: 0 iff all completed. */
    private static int report(JsonNode raw, boolean json) {
        BatchView view = view(raw);
        if (json) Printer.json(System.out, raw);
        else System.out.print(BatchReport.render(view, view.command()));
        return view.allCompleted() ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    static BatchView view(JsonNode raw) {
        try {
            return Json.convert(raw, BatchView.class);
        } catch (IllegalArgumentException e) {
            throw new RemoteError("the Host's answer is not a batch document: " + e.getMessage());
        }
    }

    /** BatchWaiter's fetch cannot throw InterruptedException: carry it through as the interrupt flag. */
    private static JsonNode patiently(PatientHost host, String path) {
        try {
            return host.get(path);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteError("interrupted", e);
        }
    }

    /** Shared by {@code sweep --wait}: progress on stderr while waiting, the report on stdout, exit 0 iff all completed. */
    static int waitAndReport(HostClient client, String batchId, double pollSeconds, boolean json) throws InterruptedException {
        // --json is for scripts: no progress lines at all; otherwise a bar on a terminal, a line per change elsewhere
        boolean terminal = System.console() != null;
        ProgressBar bar = json ? ProgressBar.silent() : new ProgressBar(System.err, terminal);
        JsonNode[] last = new JsonNode[1];
        PatientHost host = new PatientHost(client, RetryPolicy.standard(), System.err);
        new BatchWaiter(() -> view(last[0] = patiently(host, "/batches/" + batchId)),
                Duration.ofMillis(Math.max(100, (long) (pollSeconds * 1000))), bar).await();
        return report(last[0], json);
    }
}
