package io.hakuriver.runner.exec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Where the plain-process wrapper records how each task ended, so that a restarted Runner can still learn the exit
 * status of a task that ended while it was down. The wrapper appends one line {@code <task id> <status>} to a shared
 * log ({@code exits-<generation>.log}) instead of each task creating and deleting its own file: a burst of thousands
 * of short tasks then costs appends, not thousands of inodes created and freed (on ext4 the freed inodes make every
 * following allocation slower for a while). A new generation starts with each Runner process and every
 * {@link #TASKS_PER_FILE} tasks; a generation is deleted once it is not the current one and no live task still
 * writes to it. While the Runner lives it takes the status from the wrapper's own exit status and never reads the log.
 */
final class ExitLog {
    private static final Logger log = LoggerFactory.getLogger(ExitLog.class);
    static final int TASKS_PER_FILE = 20_000;
    private static final String PREFIX = "exits-", SUFFIX = ".log";

    private final Path dir;
    private long generation;
    private int startedInGeneration;
    /** Live tasks per generation file (started or re-attached by this process). */
    private final Map<Path, Integer> holders = new HashMap<>();

    ExitLog(Path dir) {
        this.dir = dir;
        long newest = 0;
        try (var s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) newest = Math.max(newest, generationOf(p));
        } catch (IOException e) { /* no directory yet: created with the first task */ }
        this.generation = newest + 1;
    }

    static boolean isLog(Path p) {
        String n = p.getFileName().toString();
        return n.startsWith(PREFIX) && n.endsWith(SUFFIX);
    }

    private static long generationOf(Path p) {
        if (!isLog(p)) return 0;
        String n = p.getFileName().toString();
        try { return Long.parseLong(n.substring(PREFIX.length(), n.length() - SUFFIX.length())); }
        catch (NumberFormatException e) { return 0; }
    }

    private Path current() { return dir.resolve(PREFIX + generation + SUFFIX); }

    /**
     * The log a task about to start writes to; {@link #release} it once its outcome is known. {@code owner} (uid,
     * gid; null = this process's account) is who the wrapper runs as: a new log is created 0600 for that account.
     */
    synchronized Path acquire(int[] owner) throws IOException {
        if (startedInGeneration >= TASKS_PER_FILE) {
            Path old = current();
            generation++;
            startedInGeneration = 0;
            if (!holders.containsKey(old)) delete(old);
        }
        startedInGeneration++;
        Path p = current();
        if (!Files.exists(p)) create(p, owner);
        holders.merge(p, 1, Integer::sum);
        return p;
    }

    /** Creates {@code p} 0600 for {@code owner} (null: this account) unless it exists. */
    static void create(Path p, int[] owner) throws IOException {
        Files.createDirectories(p.getParent());
        if (Files.exists(p)) return;
        if (owner == null) Files.createFile(p, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        else io.hakuriver.util.PrivatePaths.fileOwnedBy(p, owner[0], owner[1]);
    }

    /** A task re-attached after a restart still writes to {@code p}. */
    synchronized void hold(Path p) { if (isLog(p)) holders.merge(p, 1, Integer::sum); }

    synchronized void release(Path p) {
        Integer left = holders.computeIfPresent(p, (k, n) -> n == 1 ? null : n - 1);
        if (left == null && !p.equals(current()) && isLog(p)) delete(p);
    }

    /** After the start-up recovery: logs of earlier processes that no re-attached task writes to are garbage. */
    synchronized void sweep() {
        try (var s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (isLog(p) && !p.equals(current()) && !holders.containsKey(p)) delete(p);
            }
        } catch (IOException e) { /* nothing to sweep */ }
    }

    private static void delete(Path p) {
        try { Files.deleteIfExists(p); } catch (IOException e) { log.warn("cannot delete {}: {}", p, e.toString()); }
    }

    /**
     * The status recorded for a task: its last line in an exit log, or the whole content of a one-task exit file
     * (what Runners before the shared log wrote, {@code <id>.exit}). Empty when nothing was recorded.
     */
    static OptionalInt statusOf(Path file, long taskId) {
        try {
            if (!isLog(file)) return OptionalInt.of(Integer.parseInt(Files.readString(file).trim()));
            String prefix = taskId + " ";
            OptionalInt found = OptionalInt.empty();
            List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
            for (String line : lines) {
                if (line.startsWith(prefix)) {
                    try { found = OptionalInt.of(Integer.parseInt(line.substring(prefix.length()).trim())); }
                    catch (NumberFormatException torn) { /* a line cut short by a full disk */ }
                }
            }
            return found;
        } catch (NoSuchFileException e) {
            return OptionalInt.empty();
        } catch (IOException | RuntimeException e) {
            log.warn("cannot read the exit status of task {} from {}: {}", taskId, file, e.toString());
            return OptionalInt.empty();
        }
    }
}
