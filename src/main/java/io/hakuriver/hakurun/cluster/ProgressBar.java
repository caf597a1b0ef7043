package io.hakuriver.hakurun.cluster;

/**
 * One-line progress of a batch while waiting: {@code [######------] 50/100 done · running 4 · pending 46 · failed 1}.
 * On a terminal the line is redrawn in place with a carriage return; otherwise (log files, pipes) a line is
 * printed only when the numbers change, so a CI log does not fill with identical lines.
 */
public final class ProgressBar {
    private static final int WIDTH = 30;

    private final java.io.PrintStream out;
    private final boolean terminal;
    private String last = "";

    public ProgressBar(java.io.PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Shows nothing (for --json, whose stdout is for programs and whose stderr should stay quiet). */
    public static ProgressBar silent() {
        return new ProgressBar(null, false);
    }

    public void update(BatchView batch) {
        if (out == null) return;
        String line = render(batch);
        if (line.equals(last)) return;
        if (terminal) {
            // pad with spaces so a shorter line fully covers the previous one
            out.print("\r" + line + " ".repeat(Math.max(0, last.length() - line.length())));
        } else {
            out.println(line);
        }
        out.flush();
        last = line;
    }

    /** Ends the in-place line so that what follows starts on a fresh line. */
    public void finish() {
        if (out != null && terminal && !last.isEmpty()) {
            out.println();
            out.flush();
        }
    }

    static String render(BatchView batch) {
        int total = batch.tasks().size();
        long done = batch.finalCount();
        int filled = total == 0 ? 0 : (int) (done * WIDTH / total);
        StringBuilder s = new StringBuilder("[").append("#".repeat(filled)).append("-".repeat(WIDTH - filled)).append("] ")
                .append(done).append('/').append(total).append(" done");
        long running = batch.count("running") + batch.count("assigning");
        long pending = batch.count("pending");
        long failed = batch.failures().size();
        if (running > 0) s.append(" · running ").append(running);
        if (pending > 0) s.append(" · pending ").append(pending);
        if (batch.count("paused") > 0) s.append(" · paused ").append(batch.count("paused"));
        if (failed > 0) s.append(" · failed ").append(failed);
        return s.toString();
    }
}
