package io.hakuriver.hakurun;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * hakurun without the command-line parsing: expand the arguments, resolve the target, then print (--dry-run),
 * run the single combination in the foreground, or run the sweep. Returns the process exit code; bad input
 * throws {@link HakurunInputException}.
 */
public final class HakurunApp {

    /** parallelism: 1 = sequential (the default without --parallel). logDir may be null. */
    public record Request(String target, List<String> arguments, int parallelism, boolean dryRun, Path logDir) {
        public Request {
            arguments = List.copyOf(arguments);
        }
    }

    private final TargetResolver resolver;
    private final Path workDir;
    private final PrintStream out;
    private final PrintStream err;

    public HakurunApp(TargetResolver resolver, Path workDir, PrintStream out, PrintStream err) {
        this.resolver = resolver;
        this.workDir = workDir;
        this.out = out;
        this.err = err;
    }

    public static HakurunApp forThisProcess() {
        return new HakurunApp(TargetResolver.forThisProcess(), Path.of("").toAbsolutePath(), System.out, System.err);
    }

    public int run(Request request) throws InterruptedException {
        SweepPlan plan = SweepPlan.of(request.arguments());
        if (plan.size() == 0) {
            // As in the original: nothing to do is reported, not treated as a failure.
            err.println("No combinations to run: an argument expanded to no values (e.g. span:[]).");
            return 0;
        }
        Target target = resolver.resolve(request.target());
        if (request.dryRun()) {
            for (Combination c : plan) {
                out.println(ShellQuoting.join(target.argv(c)));
                if (out.checkError()) break; // the reader went away (e.g. | head): stop producing lines
            }
            out.flush();
            return 0;
        }
        LocalSweepRunner runner = new LocalSweepRunner(out, err);
        if (plan.size() == 1 && request.logDir() == null) return runner.runSingle(target, plan.get(1), workDir);
        SweepResult result = runner.run(plan, target,
                new LocalSweepRunner.Settings(request.parallelism(), workDir, request.logDir()));
        return result.exitCode();
    }
}
