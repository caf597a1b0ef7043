package io.hakuriver.client;

import io.hakuriver.util.ExitCodes;
import io.hakuriver.util.VersionProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** `hakuriver.client tasks`: the task list with filters, newest first. */
@Command(name = "tasks", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "List tasks, newest first.")
public class TasksCommand extends ClientSupport implements Callable<Integer> {
    @Option(names = "--status", paramLabel = "S[,S...]", description = "Only these states (pending, assigning, running, paused, completed, failed, killed, killed_oom, lost).") String status;
    @Option(names = "--node", paramLabel = "HOST") String node;
    @Option(names = "--batch", paramLabel = "BATCH_ID") String batch;
    @Option(names = {"-q", "--search"}, paramLabel = "TEXT", description = "Substring of command, arguments or id.") String text;
    @Option(names = "--limit", defaultValue = "50", paramLabel = "N", description = "At most N tasks (default ${DEFAULT-VALUE}).") int limit;
    @Option(names = "--offset", defaultValue = "0", paramLabel = "N") int offset;

    @Override public Integer call() {
        List<String> q = new ArrayList<>();
        if (status != null) q.add("status=" + enc(status));
        if (node != null) q.add("node=" + enc(node));
        if (batch != null) q.add("batch_id=" + id(batch));
        if (text != null) q.add("q=" + enc(text));
        q.add("limit=" + limit);
        q.add("offset=" + offset);
        var list = client().get("/tasks?" + String.join("&", q));
        if (json()) Printer.json(System.out, list); else Printer.tasks(System.out, list);
        return ExitCodes.OK;
    }

    private static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }
}
