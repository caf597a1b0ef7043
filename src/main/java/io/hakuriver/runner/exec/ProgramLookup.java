package io.hakuriver.runner.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Finds the program a task names, the way execvp(3) would, so the wrappers run {@code "$@"} with an absolute path
 * as {@code $1}. A shell looks a bare word up as a builtin first ({@code eval}, {@code exec}, {@code exit},
 * {@code cd}, dash's {@code echo}); a word containing a slash is never a builtin, so the task runs the program of
 * that name or nothing. Done in the Runner, not by an extra {@code env}/{@code exec} process in the spawn chain.
 */
public final class ProgramLookup {
    /** A shell's status for "command not found". */
    public static final int NOT_FOUND = 127;

    private ProgramLookup() {}

    /**
     * The absolute path to run for {@code command}: a name with a slash as is (relative to {@code workDir}), else the
     * first executable regular file of that name in {@code path} (an empty entry is the working directory, as for
     * execvp). When only non-executable files match, the first of them (the exec then fails with 126, like a shell's).
     */
    public static Optional<String> resolve(String command, String path, Path workDir) {
        if (command == null || command.isEmpty() || command.indexOf('\0') >= 0) return Optional.empty();
        try {
            if (command.indexOf('/') >= 0) return Optional.of(absolute(Path.of(command), workDir).toString());
            Path firstMatch = null;
            for (String dir : (path == null ? "" : path).split(":", -1)) {
                Path candidate = absolute(Path.of(dir.isEmpty() ? "." : dir), workDir).resolve(command);
                if (!Files.isRegularFile(candidate)) continue;
                if (Files.isExecutable(candidate)) return Optional.of(candidate.normalize().toString());
                if (firstMatch == null) firstMatch = candidate.normalize();
            }
            return Optional.ofNullable(firstMatch).map(Path::toString);
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    private static Path absolute(Path p, Path workDir) {
        return p.isAbsolute() || workDir == null ? p : workDir.resolve(p);
    }

    /**
     * The task as a shell would end it for an unknown command: exit status 127 and a "not found" line in its stderr
     * file (written here, since no process runs to write it).
     */
    static RunningTask notFound(TaskSpec spec, String backend, String path) {
        String msg = spec.command() + ": not found (no such program in PATH=" + path + "; shell syntax needs an explicit"
                + " sh -c '...')";
        try {
            Files.createDirectories(spec.stderrFile().toAbsolutePath().getParent());
            Files.writeString(spec.stderrFile(), "hakuriver: " + msg + "\n", StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException ignored) {
            // the outcome below carries the same text
        }
        return new RunningTask(spec.taskId(), backend, "",
                CompletableFuture.completedFuture(new TaskOutcome(NOT_FOUND, false, msg)));
    }
}
