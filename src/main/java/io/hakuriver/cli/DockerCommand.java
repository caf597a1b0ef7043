package io.hakuriver.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.config.ConfigOption;
import io.hakuriver.config.HakuConfig;
import io.hakuriver.docker.EnvironmentNames;
import io.hakuriver.docker.HostApiClient;
import io.hakuriver.util.ExitCodes;
import io.hakuriver.util.Json;
import io.hakuriver.util.RemoteError;
import io.hakuriver.util.UsageError;
import io.hakuriver.util.VersionProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code hakuriver.docker}: manage the Host's environment containers and the tarballs on shared storage (spec 9.2).
 * Prints the Host's JSON answer (2-space indent). Long operations (create-container, create-tar) show progress on
 * stderr, read from the Host's {@code GET /docker/operations} while the request runs.
 */
@Command(name = "docker", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Manage Docker environments on the Host: containers to customise, tarballs for the Runners.",
        subcommands = {DockerCommand.ListContainers.class, DockerCommand.CreateContainer.class, DockerCommand.StartContainer.class,
                DockerCommand.StopContainer.class, DockerCommand.DeleteContainer.class, DockerCommand.CreateTar.class,
                DockerCommand.ListTars.class})
public class DockerCommand implements java.util.concurrent.Callable<Integer> {
    static final Duration QUICK = Duration.ofSeconds(30);
    static final Duration LONG = Duration.ofMinutes(30);

    @Mixin ConfigOption config;
    @Spec CommandSpec spec;

    @Override public Integer call() {
        spec.commandLine().usage(System.out);
        return ExitCodes.OK;
    }

    /** Common part of the sub-commands: config (theirs or the parent's --config), the call, the output. */
    abstract static class Sub implements java.util.concurrent.Callable<Integer> {
        @ParentCommand DockerCommand parent;
        @Mixin ConfigOption config;

        HakuConfig cfg() { return config.path() != null ? config.load() : parent.config.load(); }

        HostApiClient client() { return new HostApiClient(cfg()); }

        int print(HostApiClient.Reply r) {
            if (!r.ok()) throw new RemoteError("HTTP " + r.status() + ": " + r.detail());
            System.out.println(Json.pretty(r.json()));
            return ExitCodes.OK;
        }

        int simple(String method, String path) {
            HostApiClient c = client();
            try { return print(c.call(method, path, null, QUICK)); }
            catch (IOException e) { throw new RemoteError(e.getMessage(), e); }
        }

        /** Runs a long request while polling the Host for the progress of {@code name}. */
        int withProgress(String method, String path, Object body, String name) {
            HostApiClient c = client();
            CompletableFuture<HttpResponse<String>> f = c.sendAsync(method, path, body, LONG);
            ProgressLine line = new ProgressLine(System.err);
            try {
                while (true) {
                    try {
                        HttpResponse<String> r = f.get(1, TimeUnit.SECONDS);
                        line.finish();
                        return print(new HostApiClient.Reply(r.statusCode(), r.body()));
                    } catch (TimeoutException stillRunning) {
                        try {
                            HostApiClient.Reply p = c.call("GET", "/docker/operations", null, Duration.ofSeconds(5));
                            JsonNode op = p.ok() ? p.json().path(name) : null;
                            if (op != null && !op.isMissingNode()) line.show(name, op);
                        } catch (IOException | RuntimeException ignored) { /* progress is best effort */ }
                    }
                }
            } catch (ExecutionException e) {
                line.finish();
                throw new RemoteError(c.unreachable(e.getCause()).getMessage(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RemoteError("interrupted");
            }
        }
    }

    /** One status line on stderr: rewritten in place on a terminal, a new line per phase otherwise. */
    static final class ProgressLine {
        private final PrintStream err;
        private final boolean tty = System.console() != null;
        private String lastPhase = "";
        private boolean drawn;

        ProgressLine(PrintStream err) { this.err = err; }

        void show(String name, JsonNode op) {
            String phase = op.path("phase").asText();
            long bytes = op.path("bytes").asLong();
            String text = "[" + op.path("operation").asText() + " " + name + "] " + phase
                    + (bytes > 0 ? String.format(" %.1f MiB", bytes / 1048576.0) : "")
                    + String.format(" (%.0f s)", op.path("elapsed_seconds").asDouble());
            if (tty) { err.print("\r\033[K" + text); drawn = true; }
            else if (!phase.equals(lastPhase)) err.println(text);
            lastPhase = phase;
            err.flush();
        }

        void finish() { if (drawn) { err.print("\r\033[K"); err.flush(); drawn = false; } }
    }

    static String name(String n) {
        try { return EnvironmentNames.validate(n); } catch (IllegalArgumentException e) { throw new UsageError(e.getMessage()); }
    }

    @Command(name = "list-containers", mixinStandardHelpOptions = true, description = "List every container on the Host (docker ps -a).")
    static class ListContainers extends Sub {
        @Override public Integer call() { return simple("GET", "/docker/host/containers"); }
    }

    @Command(name = "create-container", mixinStandardHelpOptions = true,
            description = "Create (and start) a container to customise, from a local image (pulled only if missing).")
    static class CreateContainer extends Sub {
        @Parameters(index = "0", paramLabel = "IMAGE_NAME") String image;
        @Parameters(index = "1", paramLabel = "CONTAINER_NAME") String container;
        @Override public Integer call() {
            return withProgress("POST", "/docker/host/create", Map.of("image_name", image, "container_name", name(container)), container);
        }
    }

    @Command(name = "start-container", mixinStandardHelpOptions = true, description = "Start a stopped container.")
    static class StartContainer extends Sub {
        @Parameters(paramLabel = "CONTAINER_NAME") String container;
        @Override public Integer call() { return simple("POST", "/docker/host/start/" + name(container)); }
    }

    @Command(name = "stop-container", mixinStandardHelpOptions = true, description = "Stop a container (already stopped is fine).")
    static class StopContainer extends Sub {
        @Parameters(paramLabel = "CONTAINER_NAME") String container;
        @Override public Integer call() { return simple("POST", "/docker/host/stop/" + name(container)); }
    }

    @Command(name = "delete-container", mixinStandardHelpOptions = true, description = "Remove a container (its tarballs stay).")
    static class DeleteContainer extends Sub {
        @Parameters(paramLabel = "CONTAINER_NAME") String container;
        @Override public Integer call() { return simple("POST", "/docker/host/delete/" + name(container)); }
    }

    @Command(name = "create-tar", mixinStandardHelpOptions = true,
            description = "Commit the container to hakuriver/<name>:base and save a new tarball version for the Runners.")
    static class CreateTar extends Sub {
        @Parameters(paramLabel = "CONTAINER_NAME") String container;
        @Override public Integer call() { return withProgress("POST", "/docker/create_tar/" + name(container), null, container); }
    }

    @Command(name = "list-tars", mixinStandardHelpOptions = true, description = "List environment tarballs in shared storage.")
    static class ListTars extends Sub {
        @Override public Integer call() { return simple("GET", "/docker/list"); }
    }
}
