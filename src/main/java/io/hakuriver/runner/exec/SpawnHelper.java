package io.hakuriver.runner.exec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The jar's static {@code hakuriver-spawn} (src/main/c): a plain-process task's session, its exit status recorded
 * for a restarted Runner, in one exec — where {@code setsid /bin/sh -c <wrapper>} takes two execs of dynamically
 * linked programs (measured: ~0.9 ms of CPU per task less on a 2-core node). Installed into the Runner's state dir
 * and tried once; when it is missing for this architecture, cannot be written or does not run (a noexec mount),
 * the Runner keeps the setsid and sh chain.
 */
public final class SpawnHelper {
    private static final Logger log = LoggerFactory.getLogger(SpawnHelper.class);
    static final String NAME = "hakuriver-spawn";

    private SpawnHelper() {}

    /**
     * The helper as an executable under {@code stateDir/bin}, checked to run; empty when the chain must be used.
     * Compared and copied in small chunks: the binary (~0.7 MiB) never sits whole in the Runner's heap.
     */
    public static Optional<Path> install(Path stateDir) {
        if (!inBuild()) {
            log.info("No spawn helper for {} in this build: plain-process tasks start through setsid and sh", arch());
            return Optional.empty();
        }
        Path target = stateDir.resolve("bin").resolve(NAME);
        try {
            Files.createDirectories(target.getParent());
            if (!Files.isRegularFile(target) || !sameAsInJar(target)) write(target);
        } catch (IOException | RuntimeException e) {
            return unusable("cannot write " + target, e);
        }
        return works(target) ? Optional.of(target) : unusable("it does not run from " + target + " (a noexec mount?)", null);
    }

    private static String resource() { return "/native/linux-" + arch() + "/" + NAME; }

    /** Whether this build holds a helper for this architecture (it has none when built without a C compiler). */
    static boolean inBuild() { return SpawnHelper.class.getResource(resource()) != null; }

    private static InputStream fromJar() throws IOException {
        InputStream in = SpawnHelper.class.getResourceAsStream(resource());
        if (in == null) throw new IOException("the jar has no " + resource());
        return in;
    }

    private static boolean sameAsInJar(Path installed) throws IOException {
        try (InputStream a = fromJar(); InputStream b = Files.newInputStream(installed)) {
            byte[] x = new byte[8192], y = new byte[8192];
            while (true) {
                int n = a.readNBytes(x, 0, x.length), m = b.readNBytes(y, 0, y.length);
                if (n != m || !Arrays.equals(x, 0, n, y, 0, m)) return false;
                if (n < x.length) return true;
            }
        }
    }

    private static void write(Path target) throws IOException {
        Path tmp = target.resolveSibling(NAME + ".tmp");
        Files.deleteIfExists(tmp);
        try (InputStream in = fromJar()) { Files.copy(in, tmp); }
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        try { Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING); }
        catch (AtomicMoveNotSupportedException e) { Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING); }
    }

    /** Runs {@code helper --version}: a helper that cannot be executed here shows at start, not at the first task. */
    private static boolean works(Path helper) {
        try {
            Process p = new ProcessBuilder(List.of(helper.toString(), "--version")).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && out.startsWith(NAME);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Optional<Path> unusable(String why, Exception e) {
        log.warn("The spawn helper is not usable ({}{}): plain-process tasks start through setsid and sh", why, e == null ? "" : ": " + e);
        return Optional.empty();
    }

    /** {@code uname -m}'s name for this JVM's architecture, as the build names the helper's folder. */
    static String arch() {
        String a = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (a) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> a;
        };
    }

    /** Whether a command line (from /proc/PID/cmdline) is the helper's; its exit log is then argv[1]. */
    static boolean isHelper(String[] argv) {
        return argv.length >= 4 && (argv[0].equals(NAME) || argv[0].endsWith("/" + NAME));
    }
}
