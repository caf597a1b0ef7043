package io.hakuriver.testsupport;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Requirements of integration tests on real parts. Locally a missing Docker engine or systemd image skips the test;
 * in CI (CI=true) it fails, so that a CI machine that lost its provisioning cannot pass by skipping.
 */
public final class Env {
    private Env() {}

    public static boolean inCi() { return "true".equalsIgnoreCase(System.getenv("CI")); }

    public static void require(boolean present, String what) {
        if (inCi()) {
            if (!present) throw new AssertionError(what + " is required in CI (CI=true) but is missing: .ci/run must provision it");
        } else if (!present) {
            String reason = what + " not available here; skipped (set CI=true to make this a failure)";
            // Surefire prints "Tests run: 0, Skipped: 0" for a class skipped in @BeforeAll, without the reason:
            // say it on the console too, naming the class
            String caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
                    .map(f -> f.getDeclaringClass().getSimpleName()).filter(c -> c.endsWith("IT") || c.endsWith("Test"))
                    .findFirst().orElse("a test class"));
            System.err.println("[SKIPPED] " + caller + ": " + reason);
            Assumptions.assumeTrue(false, reason);
        }
    }

    public static boolean dockerAvailable() { return run("docker", "info", "--format", "{{.ServerVersion}}") == 0; }

    public static void requireDocker() { require(dockerAvailable(), "A running Docker engine"); }

    public static void requireDockerImage(String image) {
        requireDocker();
        require(run("docker", "image", "inspect", image) == 0, "Docker image " + image);
    }

    public static Path jar() {
        String p = System.getProperty("hakuriver.jar", "target/hakuriver.jar");
        Path jar = Path.of(p).toAbsolutePath();
        if (!Files.isRegularFile(jar)) throw new AssertionError("shaded jar " + jar + " missing: run `mvn verify` (integration tests run after package)");
        return jar;
    }

    public static Path javaBin() { return Path.of(System.getProperty("java.home"), "bin", "java"); }

    public static int run(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) { p.destroyForcibly(); return -1; }
            return p.exitValue();
        } catch (Exception e) { return -1; }
    }
}
