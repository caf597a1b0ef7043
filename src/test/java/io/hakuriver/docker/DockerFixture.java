package io.hakuriver.docker;

import io.hakuriver.config.ConfigLoader;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.testsupport.Env;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Shared setup of the Docker integration tests: a run id that is part of every name and label the tests create
 * (environments "e-&lt;run&gt;-...", runner names "node-&lt;run&gt;", label hakuriver.test=&lt;run&gt; where the test creates
 * containers itself), temporary shared/local dirs, and cleanup of all of it through the docker CLI.
 */
final class DockerFixture implements AutoCloseable {
    static final String BASE_IMAGE = System.getProperty("hakuriver.test.image", "hakuriver-test/busybox:1");

    final String runId = "r" + Long.toString(System.currentTimeMillis() % 100_000_000L, 36) + Integer.toString((int) (Math.random() * 1000), 36);
    final Path root;
    private final List<String> envs = new ArrayList<>();
    private final List<String> runners = new ArrayList<>();

    DockerFixture() throws Exception {
        Env.requireDockerImage(BASE_IMAGE);
        root = Files.createTempDirectory("hakuriver-docker-it-");
        Files.createDirectories(root.resolve("shared"));
        Files.createDirectories(root.resolve("temp"));
    }

    /** A unique environment name (removed with its images and container at close). */
    String env(String suffix) {
        String e = "e-" + runId + "-" + suffix;
        envs.add(e);
        return e;
    }

    String runner(String suffix) {
        String r = "node-" + runId + "-" + suffix;
        runners.add(r);
        return r;
    }

    String toml(String runnerName, String extra) {
        return """
                [paths]
                shared_dir = "%s"
                local_temp_dir = "%s"
                [runner]
                name = "%s"
                [docker]
                default_container_name = "e-%s-default"
                initial_base_image = "%s"
                """.formatted(root.resolve("shared"), root.resolve("temp"), runnerName, runId, BASE_IMAGE) + extra;
    }

    HakuConfig config(String runnerName, String extra) {
        Path p = root.resolve("cfg-" + runnerName + ".toml");
        return new ConfigLoader(root, Map.of(), w -> { }).loadText(toml(runnerName, extra), p);
    }

    Path writeConfig(String name, String text) throws Exception {
        Path p = root.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    /** Runs the docker CLI (the independent witness of what the code under test did). */
    static Result docker(String... args) {
        List<String> argv = new ArrayList<>(List.of("docker"));
        argv.addAll(Arrays.asList(args));
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            p.getInputStream().transferTo(out);
            if (!p.waitFor(120, TimeUnit.SECONDS)) p.destroyForcibly();
            return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8).trim());
        } catch (Exception e) {
            throw new AssertionError("docker " + args[0] + " failed to run: " + e, e);
        }
    }

    record Result(int code, String out) {}

    @Override public void close() {
        for (String r : runners) removeContainers("label=hakuriver.node=" + r);
        removeContainers("label=hakuriver.test=" + runId);
        for (String e : envs) {
            docker("rm", "-f", e);
            Result imgs = docker("images", "--format", "{{.Repository}}:{{.Tag}}", "hakuriver/" + e);
            for (String img : imgs.out().split("\n")) if (!img.isBlank()) docker("rmi", "-f", img);
        }
        docker("rm", "-f", "e-" + runId + "-default");
        docker("rmi", "-f", "hakuriver/e-" + runId + "-default:base");
        try (var walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) { }
    }

    private static void removeContainers(String filter) {
        Result ids = docker("ps", "-aq", "--filter", filter);
        for (String id : ids.out().split("\n")) if (!id.isBlank()) docker("rm", "-f", id);
    }
}
