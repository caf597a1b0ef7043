package io.hakuriver.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hakuriver.http.ApiException;
import io.hakuriver.util.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * Host-side environment management (spec section 8) on the Host's Docker engine: the source containers people
 * customise, and packaging them into tarballs on shared storage. Every failure becomes an {@link ApiException} with
 * a plain detail: 404 for unknown containers, 409 for a name taken by a different image, 503 when Docker is down.
 */
public final class EnvironmentService {
    private static final Logger LOG = LoggerFactory.getLogger(EnvironmentService.class);
    /** Marks containers made by create-container; the terminal only opens environments. */
    public static final String LABEL_ENVIRONMENT = "hakuriver.environment";
    private static final Pattern IMAGE_REF = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._/:@+-]{0,254}$");
    private static final Duration SHORT = Duration.ofSeconds(30);
    private static final Duration LONG = Duration.ofMinutes(30);

    private final DockerEngine engine;
    private final TarballStore store;
    private final OperationProgress progress;
    private final Map<String, ReentrantLock> packaging = new ConcurrentHashMap<>();

    public EnvironmentService(DockerEngine engine, TarballStore store, OperationProgress progress) {
        this.engine = engine;
        this.store = store;
        this.progress = progress;
    }

    public DockerEngine engine() { return engine; }
    public TarballStore store() { return store; }

    /** GET /docker/host/containers: every container of the Host's engine, as the original listed them (plus "environment"). */
    public List<Map<String, String>> listContainers() {
        JsonNode list = call(() -> engine.expect("GET", "/containers/json?all=1", null, SHORT), "list containers");
        List<Map<String, String>> out = new ArrayList<>();
        for (JsonNode c : list) {
            Map<String, String> m = new LinkedHashMap<>();
            String id = c.path("Id").asText();
            m.put("id", id.length() > 12 ? id.substring(0, 12) : id);
            m.put("name", c.path("Names").path(0).asText("").replaceFirst("^/", ""));
            m.put("image", c.path("Image").asText());
            m.put("status", c.path("Status").asText());
            // extra field: the environment a HakuRiver-made container belongs to (null = not ours); the dashboard
            // lists only these, while the list itself stays complete, as the original's
            JsonNode env = c.path("Labels").path(LABEL_ENVIRONMENT);
            m.put("environment", env.isTextual() ? env.asText() : null);
            out.add(m);
        }
        return out;
    }

    /** POST /docker/host/create: a long-running source container ("sleep infinity"), local image first, pull as fallback. */
    public String createContainer(String image, String name) {
        name = validName(name);
        if (image == null || !IMAGE_REF.matcher(image).matches())
            throw ApiException.badRequest("Invalid image name '" + image + "': expected a Docker image reference such as debian:12 or hakuriver-test/busybox:1.");
        JsonNode existing = inspectContainer(name);
        if (existing != null) {
            String has = existing.path("Config").path("Image").asText();
            if (!has.equals(image))
                throw ApiException.conflict("Container '" + name + "' already exists with image '" + has + "' (requested '" + image
                        + "'): delete it first or use another name.");
            return "Container '" + name + "' created or already exists.";
        }
        OperationProgress.Op op = progress.begin(name, "create-container", "checking image " + image);
        try {
            ensureImage(image, op);
            op.phase("creating container");
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("Image", image);
            body.putArray("Cmd").add("sleep").add("infinity");
            body.putObject("Labels").put(LABEL_ENVIRONMENT, name);
            // An init process as PID 1 makes `sleep infinity` stop at once on SIGTERM instead of after the 10 s timeout.
            body.putObject("HostConfig").put("Init", true);
            final String n = name;
            call(() -> engine.expect("POST", "/containers/create?name=" + DockerEngine.q(n), body, SHORT), "create container '" + name + "'");
            try {
                call(() -> engine.expect("POST", "/containers/" + n + "/start", null, SHORT, 304), "start container '" + name + "'");
            } catch (ApiException noInit) {
                if (noInit.status == 503) throw noInit;
                // Engines without docker-init: retry the plain way.
                LOG.debug("start with init failed ({}); retrying without", noInit.detail);
                call(() -> engine.call("DELETE", "/containers/" + n + "?force=1", null, SHORT), "remove container '" + n + "'");
                body.remove("HostConfig");
                call(() -> engine.expect("POST", "/containers/create?name=" + DockerEngine.q(n), body, SHORT), "create container '" + n + "'");
                call(() -> engine.expect("POST", "/containers/" + n + "/start", null, SHORT, 304), "start container '" + n + "'");
            }
            LOG.info("Created environment container {} from {}", name, image);
            return "Container '" + name + "' created or already exists.";
        } finally {
            progress.end(name, op);
        }
    }

    private void ensureImage(String image, OperationProgress.Op op) {
        DockerEngine.Response r = call(() -> engine.call("GET", "/images/" + image + "/json", null, SHORT), "inspect image " + image);
        if (r.ok()) return;
        op.phase("pulling " + image);
        String fromImage = image, tag = null;
        int slash = image.lastIndexOf('/'), colon = image.lastIndexOf(':');
        if (!image.contains("@") && colon > slash) { fromImage = image.substring(0, colon); tag = image.substring(colon + 1); }
        String path = "/images/create?fromImage=" + DockerEngine.q(fromImage) + (tag == null ? "" : "&tag=" + DockerEngine.q(tag));
        String error;
        try (DockerEngine.Stream s = engine.open("POST", path, null, null, Map.of(), LONG)) {
            error = readJsonLines(s.body(), op);
            if (s.status() >= 300 && error == null) error = "HTTP " + s.status();
        } catch (DockerUnavailableException e) {
            throw unavailable(e);
        } catch (IOException e) {
            error = e.getMessage();
        }
        if (error != null) {
            // the image the request names does not exist here: the request's problem, not a Host failure
            throw ApiException.notFound("Image '" + image + "' is not available locally and could not be pulled (" + error.trim()
                    + "). Without a registry, import it on the Host: `tar -C ROOTFS -c . | docker import - " + image + "` (or `docker load -i FILE`).");
        }
    }

    /** Reads a JSON-lines progress stream; returns the error text or null. */
    private static String readJsonLines(InputStream in, OperationProgress.Op op) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line, error = null;
        while ((line = r.readLine()) != null) {
            if (line.isBlank()) continue;
            try {
                JsonNode n = Json.tree(line);
                if (n.hasNonNull("error")) error = n.get("error").asText();
                else if (n.hasNonNull("status")) op.phase(n.get("status").asText() + " " + n.path("progress").asText(""));
            } catch (IllegalArgumentException notJson) { /* ignore */ }
        }
        return error;
    }

    public String start(String name) {
        String n = validName(name);
        control("start", n, () -> engine.call("POST", "/containers/" + n + "/start", null, SHORT));
        return "Container '" + n + "' started.";
    }

    public String stop(String name) {
        String n = validName(name);
        control("stop", n, () -> engine.call("POST", "/containers/" + n + "/stop?t=10", null, Duration.ofSeconds(60)));
        return "Container '" + n + "' stopped.";
    }

    public String delete(String name) {
        String n = validName(name);
        control("delete", n, () -> engine.call("DELETE", "/containers/" + n + "?force=1", null, SHORT));
        return "Container '" + n + "' deleted.";
    }

    private void control(String what, String name, IoCall<DockerEngine.Response> c) {
        DockerEngine.Response r = call(c, what + " container '" + name + "'");
        if (r.ok() || r.status() == 304) return; // 304: already started/stopped counts as success
        if (r.status() == 404) throw ApiException.notFound("Container '" + name + "' not found.");
        throw new ApiException(500, "Failed to " + what + " container '" + name + "': " + DockerApiException.from(r.status(), r.text(), what).engineMessage());
    }

    /**
     * POST /docker/create_tar/{name}: commit (paused) to hakuriver/&lt;name&gt;:base, save into a new tarball
     * version, drop the image the commit replaced. One packaging per environment
     * at a time; a second request waits for the first.
     */
    public TarballStore.Version createTar(String name) {
        String env = validName(name);
        ReentrantLock lock = packaging.computeIfAbsent(env, k -> new ReentrantLock());
        lock.lock();
        OperationProgress.Op op = progress.begin(env, "create-tar", "inspecting container");
        try {
            long ts = System.currentTimeMillis() / 1000;
            JsonNode c = inspectContainer(env);
            if (c == null) throw ApiException.notFound("Container '" + env + "' not found.");
            String image = EnvironmentNames.imageTag(env);
            DockerEngine.Response old = call(() -> engine.call("GET", "/images/" + image + "/json", null, SHORT), "inspect " + image);
            String oldId = old.ok() ? old.json().path("Id").asText() : null;
            // Commit with the container paused (frozen, consistent file system) instead of the original's stop:
            // the container keeps running for further customisation, and an image whose PID 1 ignores SIGTERM
            // does not cost the 10 s stop timeout.
            op.phase("committing " + image);
            String newId = call(() -> engine.expect("POST", "/commit?container=" + DockerEngine.q(env) + "&repo=" + DockerEngine.q("hakuriver/" + env)
                    + "&tag=base&pause=1", Json.MAPPER.createObjectNode(), LONG), "commit '" + env + "'").path("Id").asText();
            op.phase("saving " + image);
            TarballStore.Version v;
            try (DockerEngine.Stream s = engine.open("GET", "/images/" + image + "/get", null, null, Map.of(), LONG)) {
                if (s.status() != 200) throw DockerApiException.from(s.status(), new String(s.body().readAllBytes(), StandardCharsets.UTF_8), "save " + image);
                v = store.write(env, ts, out -> copyCounting(s.body(), out, op));
            }
            LOG.info("Packaged environment {} into {} ({} MiB)", env, v.file(), java.nio.file.Files.size(v.file()) >> 20);
            if (oldId != null && !oldId.equals(newId)) removeIfUnused(oldId);
            return v;
        } catch (DockerUnavailableException e) {
            throw unavailable(e);
        } catch (DockerApiException e) {
            throw new ApiException(500, "Failed to package container '" + env + "': " + e.engineMessage());
        } catch (IOException e) {
            throw new ApiException(500, "Failed to package container '" + env + "': " + e.getMessage());
        } finally {
            progress.end(env, op);
            lock.unlock();
        }
    }

    private static void copyCounting(InputStream in, OutputStream out, OperationProgress.Op op) throws IOException {
        byte[] buf = new byte[256 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
            total += n;
            op.bytes(total);
        }
    }

    /** Removes the image an earlier commit made, if nothing uses it any more (never a host-wide prune: S11). */
    private void removeIfUnused(String imageId) {
        try {
            DockerEngine.Response r = engine.call("DELETE", "/images/" + imageId, null, SHORT);
            if (!r.ok()) LOG.debug("Kept previous image {}: {}", imageId, r.text());
        } catch (IOException e) {
            LOG.debug("Kept previous image {}: {}", imageId, e.getMessage());
        }
    }

    /** DELETE /docker/tar/{name}/{timestamp}: removes one stored version (and its digest). */
    public String deleteTarball(String name, String timestamp) {
        String env = validName(name);
        long ts;
        try { ts = Long.parseLong(timestamp); } catch (NumberFormatException e) { throw ApiException.badRequest("Timestamp '" + timestamp + "' is not a number."); }
        ReentrantLock lock = packaging.computeIfAbsent(env, k -> new ReentrantLock());
        lock.lock();
        try {
            for (TarballStore.Version v : store.versions(env)) {
                if (v.timestamp() == ts) {
                    java.nio.file.Files.deleteIfExists(v.file());
                    java.nio.file.Files.deleteIfExists(v.digestFile());
                    return "Tarball '" + v.tarball() + "' deleted.";
                }
            }
        } catch (IOException e) {
            throw new ApiException(500, "Cannot delete tarball of '" + env + "': " + e.getMessage());
        } finally {
            lock.unlock();
        }
        throw ApiException.notFound("Tarball '" + env + "-" + ts + ".tar' not found.");
    }

    /** GET /docker/list. */
    public Map<String, Object> listTarballs() {
        if (!java.nio.file.Files.isDirectory(store.dir()))
            throw new ApiException(500, "Shared container directory '" + store.dir() + "' not found on host.");
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            store.list().forEach((env, versions) -> {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("latest_timestamp", versions.get(0).timestamp());
                e.put("latest_tarball", versions.get(0).tarball());
                List<Map<String, Object>> all = new ArrayList<>();
                for (TarballStore.Version v : versions) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("timestamp", v.timestamp());
                    m.put("tarball", v.tarball());
                    v.digest().ifPresent(d -> m.put("sha256", d));
                    all.add(m);
                }
                e.put("all_versions", all);
                out.put(env, e);
            });
        } catch (IOException e) {
            throw new ApiException(500, "Cannot list " + store.dir() + ": " + e.getMessage());
        }
        return out;
    }

    /** The container's inspect document, or null when it does not exist. */
    public JsonNode inspectContainer(String name) {
        DockerEngine.Response r = call(() -> engine.call("GET", "/containers/" + name + "/json", null, SHORT), "inspect container '" + name + "'");
        if (r.status() == 404) return null;
        if (!r.ok()) throw new ApiException(500, "Failed to inspect container '" + name + "': " + DockerApiException.from(r.status(), r.text(), "inspect").engineMessage());
        return r.json();
    }

    static String validName(String name) {
        try { return EnvironmentNames.validate(name); }
        catch (IllegalArgumentException e) { throw ApiException.badRequest(e.getMessage()); }
    }

    @FunctionalInterface
    interface IoCall<T> { T run() throws IOException; }

    private static <T> T call(IoCall<T> c, String what) {
        try {
            return c.run();
        } catch (DockerUnavailableException e) {
            throw unavailable(e);
        } catch (DockerApiException e) {
            if (e.notFound()) throw ApiException.notFound(e.engineMessage());
            throw new ApiException(500, "Failed to " + what + ": " + e.engineMessage());
        } catch (IOException e) {
            throw new ApiException(500, "Failed to " + what + ": " + e.getMessage());
        }
    }

    static ApiException unavailable(DockerUnavailableException e) {
        return new ApiException(503, "Docker engine unreachable on the Host: " + e.getMessage());
    }
}
