package io.hakuriver.client;

import io.hakuriver.util.ExitCodes;
import io.hakuriver.util.VersionProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** `hakuriver.client pause ID` and `resume ID` (promised by the original's README, never built there). */
public final class ControlCommands {
    private ControlCommands() {}

    @Command(name = "pause", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Pause a running task (its whole process tree / container).")
    public static class Pause extends ClientSupport implements Callable<Integer> {
        @Parameters(paramLabel = "TASK_ID") String id;
        @Override public Integer call() { return send(this, id, "pause"); }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Resume a paused task.")
    public static class Resume extends ClientSupport implements Callable<Integer> {
        @Parameters(paramLabel = "TASK_ID") String id;
        @Override public Integer call() { return send(this, id, "resume"); }
    }

    @Command(name = "kill", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Kill a task in any unfinished state (a queued task is simply cancelled).")
    public static class Kill extends ClientSupport implements Callable<Integer> {
        @Parameters(paramLabel = "TASK_ID") String id;
        @Override public Integer call() {
            var r = client().post("/kill/" + id(id), null);
            System.out.println(json() ? r.toPrettyString() : r.path("message").asText());
            return ExitCodes.OK;
        }
    }

    @Command(name = "priority", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Change the queue priority of a pending task (higher starts first).")
    public static class Priority extends ClientSupport implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "TASK_ID") String id;
        @Parameters(index = "1", paramLabel = "N", description = "New priority, -1000..1000.") int priority;
        @Override public Integer call() {
            var r = client().post("/task/" + id(id) + "/priority", java.util.Map.of("priority", priority));
            System.out.println(json() ? r.toPrettyString() : r.path("message").asText());
            return ExitCodes.OK;
        }
    }

    static int send(ClientSupport c, String id, String action) {
        var r = c.client().post("/command/" + ClientSupport.id(id) + "/" + action, null);
        System.out.println(c.json() ? r.toPrettyString() : r.path("message").asText());
        return ExitCodes.OK;
    }
}
