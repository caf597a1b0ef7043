package io.hakuriver.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.util.ExitCodes;
import io.hakuriver.util.UsageError;
import io.hakuriver.util.VersionProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code hakuriver.client wait ID… [--any]}: waits for tasks submitted earlier; exits with the worst outcome. */
@Command(name = "wait", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Wait until the tasks have ended (with --any: until one has), riding out Host restarts.",
                "Exit status: 0 when every task (with --any: the first to end) completed; otherwise the worst one's:",
                "its exit code when it failed with one (1-255), else 1 (killed, out of memory, lost)."})
public class WaitCommand extends ClientSupport implements Callable<Integer> {
    @Parameters(paramLabel = "TASK_ID", arity = "1..*", description = "Task ids (as printed at submission).") List<String> ids;
    @Option(names = "--any", description = "Return as soon as one of the tasks has ended.") boolean any;
    @Option(names = "--poll-interval", paramLabel = "SEC", defaultValue = "1", description = "Poll period (default ${DEFAULT-VALUE} s).")
    double pollInterval;

    /** Most tasks one wait follows (each is polled): for a whole sweep use `batch ID --wait`. */
    static final int MAX_IDS = 1000;

    @Override public Integer call() throws InterruptedException {
        if (!(pollInterval > 0)) throw new UsageError("--poll-interval must be positive.");
        LinkedHashSet<String> wanted = new LinkedHashSet<>();
        for (String s : ids) wanted.add(String.valueOf(id(s)));
        if (wanted.size() > MAX_IDS) throw new UsageError(wanted.size() + " task ids; at most " + MAX_IDS + " (for a sweep: hakuriver.client batch ID --wait)");
        PatientHost host = new PatientHost(client(), RetryPolicy.standard(), System.err);
        Map<String, JsonNode> ended = new LinkedHashMap<>();
        List<String> open = new ArrayList<>(wanted);
        while (true) {
            for (var it = open.iterator(); it.hasNext(); ) {
                String id = it.next();
                JsonNode t = host.get("/status/" + id); // an unknown id is an error at once (404)
                if (TaskWaiter.FINAL.contains(t.path("status").asText())) { ended.put(id, t); it.remove(); }
            }
            if (open.isEmpty() || (any && !ended.isEmpty())) break;
            Thread.sleep(Math.max(100, (long) (pollInterval * 1000)));
        }
        int worst = ExitCodes.OK;
        for (JsonNode t : ended.values()) {
            int code = code(t);
            if (json()) Printer.json(System.out, t);
            else System.out.println("Task " + t.path("task_id").asText() + ": " + t.path("status").asText()
                    + (t.path("exit_code").isNull() ? "" : " (exit code " + t.path("exit_code").asText() + ")")
                    + (t.path("error_message").isNull() || code == 0 ? "" : " - " + t.path("error_message").asText()));
            if (any) return code;
            worst = Math.max(worst, code);
        }
        if (!json() && !open.isEmpty()) System.out.println("Still running: " + String.join(", ", open));
        return worst;
    }

    /** 0 for completed; a failed task's own exit code (1-255); 1 for any other end. */
    static int code(JsonNode t) {
        if (t.path("status").asText().equals("completed")) return 0;
        int ec = t.path("exit_code").asInt(-1);
        return ec > 0 && ec < 256 ? ec : ExitCodes.FAILURE;
    }
}
