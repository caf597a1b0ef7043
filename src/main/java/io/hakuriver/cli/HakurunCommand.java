package io.hakuriver.cli;

import io.hakuriver.hakurun.HakurunApp;
import io.hakuriver.hakurun.HakurunInputException;
import io.hakuriver.util.UsageError;
import io.hakuriver.util.VersionProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Stack;
import java.util.concurrent.Callable;

/** {@code hakurun [--parallel [N]] [--dry-run] TARGET ARGS...}: run TARGET once per combination of span: values. */
@Command(name = "hakurun", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Run TARGET once for every combination of the values of its arguments.",
                "span:{A..B} = the integers A..B inclusive (descending if A > B); span:[x,y,z] = the listed items"
                        + " (escape , [ ] \\ and space with a backslash). Other arguments are passed as they are.",
                "Quote span arguments in bash: unquoted span:{1..3} is brace-expanded by bash itself."},
        footer = {"", "TARGET: an executable on PATH, a path such as ./run.sh, a Python module (python3 -m) or"
                        + " module:function (called with the values; range values as int).",
                "Exit status: 0 if every combination succeeded, else the highest exit status of a failed one."
                        + " 2 for bad usage.",
                "Examples:",
                "  hakurun --dry-run echo 'span:{1..3}' 'span:[a,b]'",
                "  hakurun --parallel 4 python3 train.py --seed 'span:{1..5}'"})
public class HakurunCommand implements Callable<Integer> {

    @Option(names = "--parallel", arity = "0..1", parameterConsumer = OptionalCount.class, paramLabel = "N",
            description = "Run combinations concurrently, at most N at a time (default N: the number of cores)."
                    + " Without it they run one after another.")
    Integer parallel;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N", description = "Same as --parallel N.")
    Integer jobs;

    @Option(names = "--dry-run", description = "Print the command line of every combination (shell-quoted) and exit.")
    boolean dryRun;

    @Option(names = "--log-dir", paramLabel = "DIR",
            description = "Write the output of combination i to DIR/i.out and DIR/i.err instead of labelled lines.")
    Path logDir;

    @Parameters(index = "0", paramLabel = "TARGET", description = "What to run.")
    String target;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments, passed through untouched except span: ones.")
    List<String> arguments = new ArrayList<>();

    /** Options only before TARGET: everything after it (even --help or --) belongs to the target. */
    @CommandLine.Spec
    void configure(CommandSpec spec) {
        spec.parser().stopAtPositional(true);
    }

    @Override public Integer call() throws InterruptedException {
        if (parallel != null && jobs != null) throw new UsageError("Give either --parallel or --jobs, not both.");
        Integer requested = jobs != null ? jobs : parallel;
        int parallelism;
        if (requested == null) parallelism = 1;
        else if (requested == OptionalCount.DEFAULT) parallelism = Runtime.getRuntime().availableProcessors();
        else if (requested < 1) throw new UsageError("--parallel/--jobs needs a number of at least 1, got " + requested + ".");
        else parallelism = requested;
        try {
            return HakurunApp.forThisProcess().run(new HakurunApp.Request(target, arguments, parallelism, dryRun, logDir));
        } catch (HakurunInputException e) {
            throw new UsageError(e.getMessage());
        }
    }

    /**
     * Lets {@code --parallel} take an optional number: {@code --parallel 4 echo} and {@code --parallel echo} both
     * work, because the next word is consumed only when it is a number (picocli's own optional values would try
     * to convert {@code echo} to an int and fail).
     */
    static final class OptionalCount implements CommandLine.IParameterConsumer {
        static final int DEFAULT = -1;

        @Override public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
            int value = DEFAULT;
            if (!args.isEmpty() && args.peek().matches("-?\\d{1,9}")) value = Integer.parseInt(args.pop());
            argSpec.setValue(value);
        }
    }
}
