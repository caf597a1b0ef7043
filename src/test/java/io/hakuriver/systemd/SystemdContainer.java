package io.hakuriver.systemd;

import io.hakuriver.testsupport.Env;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real systemd (PID 1) in a Docker container built by scripts/testenv/systemd-image.sh, with the JDK and the
 * project's jar mounted read-only. Labelled hakuriver.test=&lt;run id&gt; and removed by {@link #close()}.
 */
final class SystemdContainer implements AutoCloseable {
    static final String IMAGE = "local/debian-systemd:bookworm";
    final String name;
    final String runId = UUID.randomUUID().toString().substring(0, 8);
    final String java;
    static final String JAR = "/opt/hakuriver/hakuriver.jar";

    record Result(int exit, String out) {
        Result ok() {
            if (exit != 0) throw new AssertionError("command failed (exit " + exit + "):\n" + out);
            return this;
        }
    }

    SystemdContainer(String purpose) throws Exception { this(purpose, List.of()); }

    /** @param extraRunArgs more {@code docker run} options (e.g. a device cgroup rule) */
    SystemdContainer(String purpose, List<String> extraRunArgs) throws Exception {
        Env.requireDockerImage(IMAGE);
        this.name = "hakuriver-" + purpose + "-" + runId;
        this.java = containerJava();
        List<String> run = new ArrayList<>(List.of("docker", "run", "-d", "--name", name, "--hostname", "sdnode",
                "--label", "hakuriver.test=" + runId, "--cgroupns=private", "--cap-add=SYS_ADMIN", "--cap-add=SYS_NICE",
                "--security-opt", "apparmor=unconfined", "--tmpfs", "/run", "--tmpfs", "/run/lock", "--stop-signal=SIGRTMIN+3",
                "-v", "/usr/lib/jvm:/usr/lib/jvm:ro", "-v", Env.jar() + ":" + JAR + ":ro"));
        if (Files.isDirectory(Path.of("/etc/java-17-openjdk"))) run.addAll(List.of("-v", "/etc/java-17-openjdk:/etc/java-17-openjdk:ro"));
        run.addAll(extraRunArgs);
        run.add(IMAGE);
        Result r = host(run, Duration.ofSeconds(60));
        if (r.exit() != 0) throw new AssertionError("docker run failed: " + r.out());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String state = "";
        while (System.nanoTime() < deadline) {
            state = sh("systemctl is-system-running 2>/dev/null || true").out().trim();
            if (state.equals("running") || state.equals("degraded")) return;
            Thread.sleep(200);
        }
        throw new AssertionError("systemd in " + name + " did not come up: '" + state + "'\n" + host(List.of("docker", "logs", name), Duration.ofSeconds(10)).out());
    }

    /** A JDK under /usr/lib/jvm (mounted at the same path inside): the test JVM's own when it lives there. */
    private static String containerJava() {
        Path own = Env.javaBin();
        if (own.startsWith("/usr/lib/jvm")) return own.toString();
        Path debian = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
        if (Files.isExecutable(debian)) return debian.toString();
        throw new AssertionError("no JDK under /usr/lib/jvm to mount into the systemd container");
    }

    /** Runs a test-written bash script inside the container (never user input). */
    Result sh(String script) throws Exception { return sh(script, Duration.ofSeconds(120)); }

    Result sh(String script, Duration timeout) throws Exception {
        return host(List.of("docker", "exec", name, "bash", "-c", script), timeout);
    }

    /** hakuriver.client inside the container, with the cluster config. */
    Result client(String args) throws Exception {
        return sh(java + " -jar " + JAR + " client --config /etc/hakuriver/config.toml " + args);
    }

    String hakuriver(String args) { return java + " -jar " + JAR + " " + args; }

    /** Copies a file of this machine into the container. */
    void copyIn(Path file, String to) throws Exception {
        Result r = host(List.of("docker", "cp", file.toString(), name + ":" + to), Duration.ofSeconds(60));
        if (r.exit() != 0) throw new AssertionError("docker cp failed: " + r.out());
    }

    static Result host(List<String> argv, Duration timeout) throws IOException, InterruptedException {
        Path out = Files.createTempFile("sdct", ".out");
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out after " + timeout + ": " + argv + "\n" + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @Override
    public void close() throws Exception {
        if ("1".equals(System.getenv("HAKURIVER_KEEP_CT"))) { System.err.println("keeping container " + name); return; }
        host(List.of("docker", "rm", "-f", name), Duration.ofSeconds(60));
    }
}
