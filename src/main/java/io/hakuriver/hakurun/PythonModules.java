package io.hakuriver.hakurun;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Whether python3 can import a module from a directory (asked before running, so a typo fails once). */
public interface PythonModules {
    enum Lookup { FOUND, NOT_FOUND }

    Lookup find(String python, String module, Path cwd);

    /** Asks the real interpreter with importlib.util.find_spec; the module name travels as argv, not as code. */
    final class Probe implements PythonModules {
        private static final String SCRIPT = """
                import importlib.util, sys
                sys.path.insert(0, "")
                try:
                    found = importlib.util.find_spec(sys.argv[1]) is not None
                except ImportError:
                    found = False
                sys.exit(0 if found else 3)
                """;

        @Override public Lookup find(String python, String module, Path cwd) {
            try {
                Process p = new ProcessBuilder(python, "-c", SCRIPT, module).directory(cwd.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                byte[] err = p.getErrorStream().readAllBytes();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new HakurunInputException("python3 did not answer within 60 s while looking for module '" + module + "'.");
                }
                return switch (p.exitValue()) {
                    case 0 -> Lookup.FOUND;
                    case 3 -> Lookup.NOT_FOUND;
                    default -> throw new HakurunInputException("Importing the parent package of Python module '" + module
                            + "' failed:\n" + new String(err, StandardCharsets.UTF_8).strip());
                };
            } catch (IOException e) {
                throw new HakurunInputException("Cannot start python3 to look for module '" + module + "': " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HakurunInputException("Interrupted while looking for Python module '" + module + "'.");
            }
        }
    }
}
