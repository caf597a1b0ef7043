package io.hakuriver.runner.exec;

/**
 * How a task ended, as a backend observed it.
 *
 * @param exitCode process exit status (128+signal for signals, 137 for SIGKILL/OOM), null if it never started
 * @param oomKilled the kernel (or Docker/systemd) reported an out-of-memory kill
 * @param message   human explanation for failures (null on success)
 */
public record TaskOutcome(Integer exitCode, boolean oomKilled, String message) {
    public static TaskOutcome exited(int code) {
        return new TaskOutcome(code, false, code == 0 ? null : "Process exited with code " + code + ".");
    }
    public static TaskOutcome launchFailed(String message) { return new TaskOutcome(null, false, message); }
    public static TaskOutcome oom(int code, String message) { return new TaskOutcome(code, true, message); }
    public boolean succeeded() { return exitCode != null && exitCode == 0 && !oomKilled; }
}
