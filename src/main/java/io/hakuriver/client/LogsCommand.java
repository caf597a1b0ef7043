package io.hakuriver.client;

import io.hakuriver.util.ExitCodes;
import io.hakuriver.util.VersionProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.concurrent.Callable;

/** `hakuriver.client logs ID [--stderr] [--follow]`: prints a task's output; --follow until the task ends. */
@Command(name = "logs", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Print a task's stdout (or --stderr); --follow keeps printing until the task finishes.")
public class LogsCommand extends ClientSupport implements Callable<Integer> {
    private static final Set<String> FINAL = Set.of("completed", "failed", "killed", "killed_oom", "lost");

    @Parameters(paramLabel = "TASK_ID") String id;
    @Option(names = "--stderr", description = "Show standard error instead of standard output.") boolean stderr;
    @Option(names = {"-f", "--follow"}, description = "Keep reading while the task runs.") boolean follow;
    @Option(names = "--poll-interval", paramLabel = "SEC", defaultValue = "0.5") double poll;
    @Option(names = "--attempt", paramLabel = "N", description = "An earlier attempt of a retried task (see --status); default: the current one.") Integer attempt;

    @Override public Integer call() throws Exception {
        long task = id(id);
        client().get("/status/" + task); // 404 → clear error
        String path = "/task/" + task + (stderr ? "/stderr" : "/stdout");
        if (attempt != null) {
            if (attempt < 1) throw new io.hakuriver.util.UsageError("--attempt must be 1 or more");
            if (follow) throw new io.hakuriver.util.UsageError("--attempt shows an attempt that has ended: no --follow");
        }
        if (!follow) {
            HttpResponse<InputStream> r = client().stream(path + (attempt == null ? "" : "?attempt=" + attempt));
            if (r == null) { System.err.println("(no output yet)"); return ExitCodes.OK; }
            try (InputStream in = r.body()) { in.transferTo(System.out); }
            System.out.flush();
            return ExitCodes.OK;
        }
        // --follow rides out a Host restart like --wait does
        PatientHost host = new PatientHost(client(), RetryPolicy.standard(), System.err);
        long offset = 0;
        while (true) {
            String status = host.get("/status/" + task).path("status").asText();
            offset = copyFrom(host, path, offset);
            if (FINAL.contains(status)) return ExitCodes.OK; // read after seeing it final: nothing more will come
            Thread.sleep((long) (poll * 1000));
        }
    }

    private static long copyFrom(PatientHost host, String path, long offset) throws InterruptedException {
        return host.call(() -> {
            HttpResponse<InputStream> r = host.client().stream(path + "?offset=" + offset);
            if (r == null) return offset;
            try (InputStream in = r.body()) {
                long n = in.transferTo(System.out);
                System.out.flush();
                return r.headers().firstValueAsLong("X-Next-Offset").orElse(offset + n);
            } catch (java.io.IOException e) {
                throw new HostUnavailable("reading " + path + " failed: " + e.getMessage(), e);
            }
        });
    }
}
