package io.hakuriver.hakurun;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the combinations of a sweep as child processes on this machine, at most {@code parallelism} at a time
 * (the original started every combination at once, defect H1). Each child's output is kept apart: either
 * written to its own files in a log directory, or copied to our stdout/stderr with every line labelled
 * {@code [i/n]}. Log lines (the original's wording) and the summary go to {@code log}, normally stderr.
 */
public final class LocalSweepRunner {
    private static final File DEV_NULL = new File("/dev/null");
    /** After a child exits, wait this long for grandchildren that still hold its output pipe before moving on. */
    private static final long PUMP_GRACE_MS = 2000;

    /** parallelism 1 = sequential. logDir null = labelled lines on our own stdout/stderr. */
    public record Settings(int parallelism, Path workDir, Path logDir) {
        public Settings {
            if (parallelism < 1) throw new HakurunInputException("Parallelism must be at least 1, got " + parallelism + ".");
        }
    }

    private final PrintStream out;
    private final PrintStream log;
    private final Set<Process> live = ConcurrentHashMap.newKeySet();

    public LocalSweepRunner(PrintStream out, PrintStream log) {
        this.out = out;
        this.log = log;
    }

    /** Exactly one combination: the child shares our terminal (stdin too), and its exit status becomes ours. */
    public int runSingle(Target target, Combination combination, Path workDir) throws InterruptedException {
        List<String> argv = target.argv(combination);
        Thread hook = killOnExit();
        try {
            Process p = new ProcessBuilder(argv).directory(workDir.toFile()).inheritIO().start();
            live.add(p);
            int code = p.waitFor();
            live.remove(p);
            return code;
        } catch (IOException e) {
            logLine("Cannot start " + target.describe(combination) + ": " + e.getMessage());
            return 127;
        } finally {
            removeHook(hook);
        }
    }

    public SweepResult run(SweepPlan plan, Target target, Settings settings) throws InterruptedException {
        long total = plan.size();
        boolean parallel = settings.parallelism() > 1;
        logLine("Running " + total + " tasks " + (parallel ? "in parallel" : "sequentially") + " via subprocess..."
                + (parallel ? " (at most " + settings.parallelism() + " at a time)" : ""));
        if (settings.logDir() != null) {
            try {
                Files.createDirectories(settings.logDir());
            } catch (IOException e) {
                throw new HakurunInputException("Cannot create log directory " + settings.logDir() + ": " + e.getMessage());
            }
            logLine("Output of task i goes to " + settings.logDir() + "/" + "<i>.out and <i>.err");
        }
        long started = System.nanoTime();
        Semaphore slots = new Semaphore(settings.parallelism());
        AtomicLong succeeded = new AtomicLong();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        ConcurrentLinkedQueue<SweepResult.Failure> failures = new ConcurrentLinkedQueue<>();
        ExecutorService workers = Executors.newCachedThreadPool(daemonThreads("hakurun-task"));
        Thread hook = killOnExit();
        try {
            for (Combination c : plan) {
                slots.acquire();
                workers.execute(() -> {
                    int now = running.incrementAndGet();
                    peak.accumulateAndGet(now, Math::max);
                    try {
                        SweepResult.Failure f = runOne(target, c, total, settings);
                        if (f == null) succeeded.incrementAndGet();
                        else failures.add(f);
                    } finally {
                        running.decrementAndGet();
                        slots.release();
                    }
                });
            }
            slots.acquire(settings.parallelism()); // every child has finished
        } finally {
            workers.shutdownNow();
            removeHook(hook);
        }
        List<SweepResult.Failure> sorted = new ArrayList<>(failures);
        sorted.sort(Comparator.comparingLong(SweepResult.Failure::index));
        SweepResult result = new SweepResult(total, succeeded.get(), sorted, peak.get(),
                Duration.ofNanos(System.nanoTime() - started));
        summarize(result, parallel);
        return result;
    }

    /** Runs one combination to its end; null when it succeeded. */
    private SweepResult.Failure runOne(Target target, Combination c, long total, Settings settings) {
        List<String> argv = target.argv(c);
        String label = c.index() + "/" + total;
        logLine("  Task " + label + ": " + target.describe(c));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(settings.workDir().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
        if (settings.logDir() != null) {
            String stem = fileStem(c.index(), total);
            pb.redirectOutput(settings.logDir().resolve(stem + ".out").toFile());
            pb.redirectError(settings.logDir().resolve(stem + ".err").toFile());
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            logLine("Task " + label + " could not be started: " + e.getMessage());
            return new SweepResult.Failure(c.index(), 127, target.describe(c), "could not start: " + e.getMessage());
        }
        live.add(p);
        try {
            List<Thread> pumps = new ArrayList<>(2);
            if (settings.logDir() == null) {
                String prefix = "[" + label + "] ";
                pumps.add(startPump(new LinePrefixer(p.getInputStream(), out, prefix)));
                pumps.add(startPump(new LinePrefixer(p.getErrorStream(), log, prefix)));
            }
            int code = p.waitFor();
            for (Thread pump : pumps) pump.join(PUMP_GRACE_MS);
            if (code == 0) return null;
            logLine("Task " + label + " failed with exit code " + code + ".");
            return new SweepResult.Failure(c.index(), code, target.describe(c), "exit code " + code);
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            Thread.currentThread().interrupt();
            return new SweepResult.Failure(c.index(), 130, target.describe(c), "interrupted");
        } finally {
            live.remove(p);
        }
    }

    private void summarize(SweepResult r, boolean parallel) {
        if (parallel) logLine(r.allSucceeded() ? "All parallel tasks finished successfully." : "Some parallel tasks failed.");
        logLine(String.format("Summary: %d tasks, %d succeeded, %d failed in %.1f s.",
                r.total(), r.succeeded(), r.failures().size(), r.elapsed().toMillis() / 1000.0));
        int shown = 0;
        for (SweepResult.Failure f : r.failures()) {
            if (++shown > 20) {
                logLine("  ... and " + (r.failures().size() - 20) + " more failed tasks.");
                break;
            }
            logLine("  FAILED Task " + f.index() + "/" + r.total() + " (" + f.reason() + "): " + f.command());
        }
    }

    /** File names sort in task order: 001.out ... 100.out. */
    static String fileStem(long index, long total) {
        int width = Long.toString(total).length();
        return String.format("%0" + width + "d", index);
    }

    private void logLine(String line) {
        synchronized (log) {
            log.println(line);
            log.flush();
        }
    }

    private static Thread startPump(Runnable r) {
        Thread t = new Thread(r, "hakurun-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** If hakurun itself is stopped (SIGTERM, Ctrl-C), its children and their descendants go with it. */
    private Thread killOnExit() {
        Thread hook = new Thread(() -> {
            for (Process p : live) {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
            }
            for (Process p : live) {
                try {
                    if (!p.waitFor(2, TimeUnit.SECONDS)) p.destroyForcibly();
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "hakurun-kill-children");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running
        }
    }
}
