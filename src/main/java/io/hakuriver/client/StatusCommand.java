package io.hakuriver.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.util.ExitCodes;
import io.hakuriver.util.VersionProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code hakuriver.client status ID}: the same as the original's {@code --status ID}, history included. */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Show one task: its fields, earlier attempts, why it still waits (pending tasks) and its history.")
public class StatusCommand extends ClientSupport implements Callable<Integer> {
    @Parameters(paramLabel = "TASK_ID") String id;

    @Override public Integer call() {
        JsonNode t = client().get("/status/" + id(id));
        if (json()) Printer.json(System.out, t); else Printer.task(System.out, t);
        return ExitCodes.OK;
    }
}
