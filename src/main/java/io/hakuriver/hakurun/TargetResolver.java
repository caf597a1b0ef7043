package io.hakuriver.hakurun;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decides what kind of thing TARGET is, checking up front so that a typo fails once with a clear message instead
 * of once per combination. Order (fixing defect H3, where an executable that shared its name with a Python module
 * was imported instead, and {@code ./script} failed with a misleading message):
 * <ol>
 *   <li>contains '/': an executable path, relative to the current directory;</li>
 *   <li>an executable file of that name on PATH;</li>
 *   <li>{@code module:function} (Python identifiers): a Python function, run with {@code python3 -c};</li>
 *   <li>a dotted Python name that python3 can import from the current directory: run with {@code python3 -m};</li>
 *   <li>otherwise an error naming the target.</li>
 * </ol>
 * To run a Python module whose name is also a command on PATH, spell it out: {@code hakurun python3 -m time ...}.
 */
public final class TargetResolver {
    private static final String IDENT = "[A-Za-z_][A-Za-z0-9_]*";
    private static final Pattern MODULE = Pattern.compile(IDENT + "(\\." + IDENT + ")*");
    private static final Pattern FUNCTION = Pattern.compile("(" + MODULE.pattern() + "):(" + IDENT + ")");
    public static final String PYTHON = "python3";

    private final Path cwd;
    private final String pathEnv;
    private final PythonModules modules;

    public TargetResolver(Path cwd, String pathEnv, PythonModules modules) {
        this.cwd = cwd;
        this.pathEnv = pathEnv == null ? "" : pathEnv;
        this.modules = modules;
    }

    /** Resolver for this process: its working directory, its PATH, and the real python3. */
    public static TargetResolver forThisProcess() {
        return new TargetResolver(Path.of("").toAbsolutePath(), System.getenv("PATH"), new PythonModules.Probe());
    }

    public Target resolve(String target) {
        if (target == null || target.isBlank()) throw new HakurunInputException("TARGET must not be empty.");
        if (target.contains("/")) return executablePath(target);
        if (findOnPath(target).isPresent()) return new Target.Executable(target);
        var function = FUNCTION.matcher(target);
        if (function.matches()) {
            String python = requirePython(target, "a Python function target (module:function)");
            requireModule(python, function.group(1), target);
            return new Target.PythonFunction(target, python, function.group(1), function.group(3));
        }
        if (MODULE.matcher(target).matches()) {
            if (findOnPath(PYTHON).isEmpty()) {
                throw new HakurunInputException("'" + target + "' was not found on PATH, and python3 is not installed,"
                        + " so it cannot be run as a Python module either. Install Python 3 or give an executable.");
            }
            if (modules.find(PYTHON, target, cwd) != PythonModules.Lookup.FOUND) {
                throw new HakurunInputException("'" + target + "' is neither an executable on PATH nor a Python module"
                        + " importable from " + cwd + ".");
            }
            return new Target.PythonModule(target, PYTHON);
        }
        throw new HakurunInputException("'" + target + "' was not found on PATH (use ./" + target
                + " for a file in the current directory).");
    }

    private Target executablePath(String target) {
        Path file;
        try {
            file = cwd.resolve(target).normalize();
        } catch (InvalidPathException e) {
            throw new HakurunInputException("'" + target + "' is not a valid path: " + e.getMessage());
        }
        if (!Files.exists(file)) throw new HakurunInputException("'" + target + "' does not exist (looked at " + file + ").");
        if (Files.isDirectory(file)) throw new HakurunInputException("'" + target + "' is a directory, not an executable.");
        if (!Files.isExecutable(file)) {
            throw new HakurunInputException("'" + target + "' is not executable: chmod +x it, or name its interpreter,"
                    + " e.g. hakurun bash " + target + " ...");
        }
        // Keep the path as given: the children run in the same directory, and argv[0] stays what the user typed.
        return new Target.Executable(target);
    }

    private String requirePython(String target, String what) {
        if (findOnPath(PYTHON).isEmpty()) {
            throw new HakurunInputException("'" + target + "' is " + what + ", but python3 was not found on PATH."
                    + " Install Python 3, or run an executable target instead.");
        }
        return PYTHON;
    }

    private void requireModule(String python, String module, String target) {
        PythonModules.Lookup found = modules.find(python, module, cwd);
        if (found != PythonModules.Lookup.FOUND) {
            throw new HakurunInputException("Python module '" + module + "' of target '" + target
                    + "' cannot be imported from " + cwd + ".");
        }
    }

    /** The executable regular file of that name in a PATH directory (an empty entry means the current directory). */
    Optional<Path> findOnPath(String name) {
        for (String dir : pathEnv.split(File.pathSeparator, -1)) {
            Path base = dir.isEmpty() ? cwd : cwd.resolve(dir);
            try {
                Path candidate = base.resolve(name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return Optional.of(candidate);
            } catch (InvalidPathException e) {
                // a PATH entry or name Java cannot represent: not a match
            }
        }
        return Optional.empty();
    }
}
