package io.hakuriver.docker;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.util.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runner side of environment distribution (spec 7.3): before a task, make sure the local image
 * {@code hakuriver/<env>:base} is the newest complete tarball of the environment.
 *
 * <ul>
 *   <li>One sync per environment at a time; tasks that arrive meanwhile wait for that sync and share its result.</li>
 *   <li>Freshness by content, not clocks: after loading a tarball with a recorded SHA-256 the image is also tagged
 *   {@code hakuriver/<env>:sha256-<first 16 hex>}. The load is skipped while that tag exists and points at the
 *   same image as {@code :base}. The record lives in the Docker engine, so it survives Runner restarts.</li>
 *   <li>Legacy tarballs without a digest fall back to the original's rule (tarball timestamp &gt; image creation).</li>
 *   <li>The load streams the file through this process, so it computes the digest (verified against the recorded
 *   one) and reports progress on the way; afterwards {@code hakuriver/<env>:base} must exist.</li>
 * </ul>
 */
public final class ImageSync {
    private static final Logger LOG = LoggerFactory.getLogger(ImageSync.class);
    private static final Duration LEGACY_SETTLE = Duration.ofSeconds(3);

    public enum Action { LOADED, UP_TO_DATE, LOCAL_ONLY }

    public record Result(String image, Action action, String tarball, long bytes, Duration took) {}

    private final DockerEngine engine;
    private final TarballStore store;
    private final Map<String, CompletableFuture<Result>> inFlight = new ConcurrentHashMap<>();
    /** Per environment: the tarball+digest last found current, and when (saves two engine calls per task). */
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();
    private static final long VERIFIED_TTL_NANOS = 10_000_000_000L;

    private record Verified(String tarball, String digest, long atNanos) {}
    private final AtomicLong loads = new AtomicLong();

    public ImageSync(DockerEngine engine, TarballStore store) {
        this.engine = engine;
        this.store = store;
    }

    /** Drops the cached verdict for an environment (its image turned out to be missing). */
    public void forget(String env) { verified.remove(env); }

    /** Number of tarball loads this instance performed (for tests and health). */
    public long loadCount() { return loads.get(); }

    /** Ensures the environment's image is current; throws IOException with a message fit for the task's error. */
    public Result ensure(String env) throws IOException {
        EnvironmentNames.validate(env);
        CompletableFuture<Result> mine = new CompletableFuture<>();
        CompletableFuture<Result> running = inFlight.putIfAbsent(env, mine);
        if (running != null) return await(running);
        try {
            Result r = sync(env);
            mine.complete(r);
            return r;
        } catch (IOException | RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(env, mine);
        }
    }

    private static Result await(CompletableFuture<Result> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the image sync", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) throw io;
            if (c instanceof RuntimeException re) throw re;
            throw new IOException(c);
        }
    }

    private Result sync(String env) throws IOException {
        long t0 = System.nanoTime();
        String image = EnvironmentNames.imageTag(env);
        Optional<TarballStore.Version> newest = store.newestComplete(env, LEGACY_SETTLE);
        Verified seen = verified.get(env);
        if (seen != null && newest.isPresent() && seen.tarball().equals(newest.get().tarball())
                && System.nanoTime() - seen.atNanos() < VERIFIED_TTL_NANOS && newest.get().digest().orElse("").equals(seen.digest()))
            return new Result(image, Action.UP_TO_DATE, seen.tarball(), 0, since(t0));
        Optional<JsonNode> local = inspect(image);
        if (newest.isEmpty()) {
            if (local.isPresent()) return new Result(image, Action.LOCAL_ONLY, null, 0, since(t0));
            throw new IOException("Environment '" + env + "' is not available: no tarball " + env + "-<timestamp>.tar in "
                    + store.dir() + " and no local image " + image + " on this node. Package it on the Host with "
                    + "`hakuriver.docker create-tar " + env + "` (or check paths.shared_dir / docker.container_dir).");
        }
        TarballStore.Version v = newest.get();
        Optional<String> digest = v.digest();
        if (local.isPresent() && isCurrent(env, local.get(), v, digest)) {
            verified.put(env, new Verified(v.tarball(), digest.orElse(""), System.nanoTime()));
            return new Result(image, Action.UP_TO_DATE, v.tarball(), 0, since(t0));
        }

        long bytes = load(v, digest, image);
        loads.incrementAndGet();
        JsonNode loaded = inspect(image).orElseThrow(() -> new IOException("Loading " + v.file() + " did not produce " + image
                + ": the tarball holds a different image (was it made by `hakuriver.docker create-tar " + env + "`?)."));
        if (digest.isPresent()) tagDigest(env, digest.get(), loaded.path("Id").asText());
        verified.put(env, new Verified(v.tarball(), digest.orElse(""), System.nanoTime()));
        Duration took = since(t0);
        LOG.info("Loaded environment {} from {} ({} MiB in {} ms)", env, v.tarball(), bytes >> 20, took.toMillis());
        return new Result(image, Action.LOADED, v.tarball(), bytes, took);
    }

    private boolean isCurrent(String env, JsonNode local, TarballStore.Version v, Optional<String> digest) throws IOException {
        if (digest.isPresent()) {
            Optional<JsonNode> marker = inspect(digestTag(env, digest.get()));
            return marker.isPresent() && marker.get().path("Id").asText().equals(local.path("Id").asText());
        }
        // Legacy tarball: the original's rule (its timestamp is taken before the commit, so a loaded image is newer).
        Instant created = Instant.parse(local.path("Created").asText("1970-01-01T00:00:00Z"));
        return v.timestamp() <= created.getEpochSecond();
    }

    static String digestTag(String env, String hex) { return "hakuriver/" + env + ":sha256-" + hex.substring(0, 16); }

    private long load(TarballStore.Version v, Optional<String> expected, String image) throws IOException {
        MessageDigest sha = TarballStore.sha256();
        long total = Files.size(v.file());
        AtomicLong sent = new AtomicLong();
        long[] lastLog = {System.nanoTime()};
        List<String> loadedNames = new ArrayList<>();
        try (DockerEngine.Stream s = engine.openUpload("POST", "/images/load?quiet=1", "application/x-tar", out -> {
            try (InputStream in = Files.newInputStream(v.file())) {
                byte[] buf = new byte[256 * 1024];
                int n;
                while ((n = in.read(buf)) > 0) {
                    sha.update(buf, 0, n);
                    out.write(buf, 0, n);
                    long done = sent.addAndGet(n);
                    if (System.nanoTime() - lastLog[0] > 2_000_000_000L) {
                        lastLog[0] = System.nanoTime();
                        LOG.info("Loading {}: {} of {} MiB", v.tarball(), done >> 20, total >> 20);
                    }
                }
            }
        }, Duration.ofMinutes(30))) {
            String errors = readLoadAnswer(s, loadedNames);
            if (s.status() >= 300 || errors != null)
                throw new IOException("Loading environment tarball " + v.file() + " failed: " + (errors != null ? errors : "HTTP " + s.status()));
        }
        if (expected.isPresent()) {
            String got = HexFormat.of().formatHex(sha.digest());
            if (!got.equals(expected.get()))
                throw new IOException("Environment tarball " + v.file() + " does not match its recorded SHA-256 (" + expected.get()
                        + ", read " + got + "): the file is damaged or was replaced; package it again on the Host.");
        }
        if (!loadedNames.isEmpty() && !loadedNames.contains(image))
            throw new IOException("Tarball " + v.file() + " contained " + loadedNames + " but not " + image + ".");
        return sent.get();
    }

    /** Reads the JSON-lines answer of /images/load; collects "Loaded image: X" names; returns error text or null. */
    private static String readLoadAnswer(DockerEngine.Stream s, List<String> loadedNames) throws IOException {
        StringBuilder errors = new StringBuilder();
        BufferedReader r = new BufferedReader(new InputStreamReader(s.body(), StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null) {
            if (line.isBlank()) continue;
            JsonNode n;
            try { n = Json.tree(line); } catch (IllegalArgumentException e) { errors.append(line); continue; }
            if (n.hasNonNull("error")) errors.append(n.get("error").asText());
            else if (n.hasNonNull("message") && s.status() >= 300) errors.append(n.get("message").asText());
            String stream = n.path("stream").asText("");
            if (stream.startsWith("Loaded image: ")) loadedNames.add(stream.substring("Loaded image: ".length()).trim());
        }
        return errors.length() == 0 ? null : errors.toString();
    }

    private void tagDigest(String env, String hex, String imageId) {
        String tag = digestTag(env, hex);
        try {
            // Drop markers of earlier versions (best effort: an image still used by a container stays).
            JsonNode images = engine.expect("GET", "/images/json?filters=" + DockerEngine.q("{\"reference\":[\"hakuriver/" + env + "\"]}"), null, Duration.ofSeconds(30));
            for (JsonNode img : images) {
                for (JsonNode t : img.path("RepoTags")) {
                    String name = t.asText();
                    if (name.startsWith("hakuriver/" + env + ":sha256-") && !name.equals(tag))
                        engine.call("DELETE", "/images/" + name + "?noprune=0", null, Duration.ofSeconds(30));
                }
            }
            engine.expect("POST", "/images/" + imageId + "/tag?repo=" + DockerEngine.q("hakuriver/" + env) + "&tag=" + DockerEngine.q(tag.substring(tag.indexOf(':') + 1)), null, Duration.ofSeconds(30));
        } catch (IOException e) {
            LOG.warn("Could not record the digest tag {} (the next task will load the tarball again): {}", tag, e.getMessage());
        }
    }

    private Optional<JsonNode> inspect(String image) throws IOException {
        DockerEngine.Response r = engine.call("GET", "/images/" + image + "/json", null, Duration.ofSeconds(30));
        if (r.status() == 404) return Optional.empty();
        if (!r.ok()) throw DockerApiException.from(r.status(), r.text(), "inspect image " + image);
        return Optional.of(r.json());
    }

    private static Duration since(long t0) { return Duration.ofNanos(System.nanoTime() - t0); }
}
