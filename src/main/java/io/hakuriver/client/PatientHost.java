package io.hakuriver.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.util.RemoteError;

import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * Host calls for commands that wait: a {@link HostUnavailable} is retried under a {@link RetryPolicy} and reported
 * on stderr ("Host not answering, retrying…", then "answering again"), so a Host restart does not end a --wait whose
 * task may still succeed. Only after the policy's bound of continuous failure does it give up, saying so.
 */
public final class PatientHost {
    private final HostClient client;
    private final RetryPolicy policy;
    private final PrintStream notes;
    private long lastNote;

    public PatientHost(HostClient client, RetryPolicy policy, PrintStream notes) {
        this.client = client;
        this.policy = policy;
        this.notes = notes;
    }

    public HostClient client() { return client; }

    private static String span(java.time.Duration d) {
        return d.toSeconds() >= 120 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }

    public JsonNode get(String path) throws InterruptedException { return call(() -> client.get(path)); }

    public <T> T call(Supplier<T> request) throws InterruptedException {
        while (true) {
            try {
                T t = request.get();
                if (policy.succeeded() && notes != null) notes.println("Host " + client.base() + " is answering again.");
                return t;
            } catch (HostUnavailable e) {
                long wait = policy.failed();
                if (wait < 0) {
                    throw new RemoteError("gave up after " + span(policy.giveUpAfter()) + " without an answer from the Host ("
                            + e.getMessage() + "). The task may still be running: check later with 'hakuriver.client --status ID'.", e);
                }
                long since = policy.failingForMillis();
                if (notes != null && (policy.failures() == 1 || since - lastNote >= 30_000)) {
                    lastNote = since;
                    notes.println("Host not answering (" + e.getMessage() + "); retrying"
                            + (since > 0 ? ", for " + since / 1000 + " s now" : "") + "… (gives up after "
                            + span(policy.giveUpAfter()) + "; Ctrl-C stops waiting, the task keeps running)");
                }
                Thread.sleep(wait);
            }
        }
    }
}
