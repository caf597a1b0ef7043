package io.hakuriver.cli;

import io.hakuriver.docker.DockerEngine;
import io.hakuriver.docker.TarballStore;

import java.nio.file.Path;

/**
 * The demo's default for tasks that name no container: the Docker environment "hakuriver-base" only when Docker
 * answers AND that environment has a tarball in the demo's shared dir; otherwise "NULL" (plain processes). Building
 * the environment needs an image that a fresh machine does not have (no registry here, maybe none anywhere), so
 * trying it would greet a new user with an ERROR and fail every example task.
 */
record DefaultEnvironment(String name, String why) {
    static final String DOCKER_ENV = "hakuriver-base";

    static DefaultEnvironment choose(Path sharedDir) {
        try {
            boolean docker = new DockerEngine().ping();
            if (docker && !new TarballStore(sharedDir.resolve("hakuriver-containers")).versions(DOCKER_ENV).isEmpty()) {
                return new DefaultEnvironment(DOCKER_ENV, "Docker environment '" + DOCKER_ENV + "' (Docker answers and its tarball exists)");
            }
            return new DefaultEnvironment("NULL", "plain processes, as with --container NULL ("
                    + (docker ? "no '" + DOCKER_ENV + "' tarball yet; see hakuriver.docker --help" : "Docker does not answer here") + ")");
        } catch (Exception e) {
            return new DefaultEnvironment("NULL", "plain processes, as with --container NULL (Docker check failed: " + e.getMessage() + ")");
        }
    }
}
