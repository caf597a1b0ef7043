package io.hakuriver.hakurun;

import java.time.Duration;
import java.util.List;

/**
 * How a local sweep went. {@code peakRunning} is the largest number of children that were alive at once.
 * Exit code of hakurun: 0 when every combination succeeded, else the highest child exit status (at least 1).
 */
public record SweepResult(long total, long succeeded, List<Failure> failures, int peakRunning, Duration elapsed) {

    /** A combination that exited non-zero or could not be started (exit code 127, like a shell). */
    public record Failure(long index, int exitCode, String command, String reason) {}

    public SweepResult {
        failures = List.copyOf(failures);
    }

    public boolean allSucceeded() { return failures.isEmpty(); }

    public int exitCode() {
        int worst = 0;
        for (Failure f : failures) worst = Math.max(worst, f.exitCode());
        return failures.isEmpty() ? 0 : Math.min(255, Math.max(1, worst));
    }
}
