package io.hakuriver.docker;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Environment tarballs in {@code <shared>/<container_dir>/}. Names keep the original's pattern
 * {@code <env>-<unix seconds>.tar} so existing shared directories keep working. A new version is written to a
 * hidden temporary name, its SHA-256 is stored beside it as {@code <tarball>.sha256} (sha256sum format), and only
 * then is it renamed into place; older versions are deleted after that, never before (spec C21).
 */
public final class TarballStore {
    /** The original's scan pattern: the name is everything before the last "-digits.tar". */
    public static final Pattern TARBALL = Pattern.compile("^([A-Za-z0-9._-]+)-(\\d+)\\.tar$");
    public static final String DIGEST_SUFFIX = ".sha256";
    private static final String PARTIAL_SUFFIX = ".partial";

    private final Path dir;

    public TarballStore(Path dir) { this.dir = dir.toAbsolutePath().normalize(); }

    public Path dir() { return dir; }

    /** One stored version of an environment. */
    public record Version(String env, long timestamp, Path file) {
        public String tarball() { return file.getFileName().toString(); }
        public Path digestFile() { return file.resolveSibling(tarball() + DIGEST_SUFFIX); }

        /** The recorded SHA-256 (hex), when the Host that wrote the tarball recorded one. */
        public Optional<String> digest() {
            try {
                String s = Files.readString(digestFile(), StandardCharsets.UTF_8).trim();
                String hex = s.split("\\s+")[0].toLowerCase();
                return hex.matches("[0-9a-f]{64}") ? Optional.of(hex) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
        }
    }

    /** Receives the tarball bytes. */
    @FunctionalInterface
    public interface Writer { void write(OutputStream out) throws IOException; }

    /** All versions grouped by environment (sorted by name), each list newest first. */
    public Map<String, List<Version>> list() throws IOException {
        Map<String, List<Version>> byEnv = new TreeMap<>();
        if (!Files.isDirectory(dir)) return byEnv;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.tar")) {
            for (Path p : ds) {
                Matcher m = TARBALL.matcher(p.getFileName().toString());
                if (!m.matches() || !Files.isRegularFile(p)) continue;
                long ts;
                try { ts = Long.parseLong(m.group(2)); } catch (NumberFormatException e) { continue; }
                byEnv.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(new Version(m.group(1), ts, p));
            }
        }
        byEnv.values().forEach(l -> l.sort(Comparator.comparingLong(Version::timestamp).reversed()));
        return byEnv;
    }

    /** Versions of one environment, newest first. */
    public List<Version> versions(String env) throws IOException {
        return list().getOrDefault(env, List.of());
    }

    /**
     * The newest version a Runner may load: one with a digest file (written last by our Host, so complete), or a
     * legacy one (no digest; e.g. written in place by an original Host) whose modification time is at least
     * {@code settle} old, so that a file still being written is skipped.
     */
    public Optional<Version> newestComplete(String env, Duration settle) throws IOException {
        long now = System.currentTimeMillis();
        for (Version v : versions(env)) {
            if (Files.exists(v.digestFile())) return Optional.of(v);
            try {
                long age = now - Files.getLastModifiedTime(v.file()).toMillis();
                if (age >= settle.toMillis()) return Optional.of(v);
            } catch (IOException gone) { /* deleted meanwhile: try the next */ }
        }
        return Optional.empty();
    }

    /**
     * Writes a new version atomically and removes older ones afterwards. The timestamp is {@code now}, or one more
     * than the newest existing version when that is not older (two packagings in one second get distinct names).
     * Callers serialise writes of the same environment.
     */
    public Version write(String env, long nowSeconds, Writer writer) throws IOException {
        EnvironmentNames.validate(env);
        Files.createDirectories(dir);
        long ts = nowSeconds;
        List<Version> existing = versions(env);
        if (!existing.isEmpty() && existing.get(0).timestamp() >= ts) ts = existing.get(0).timestamp() + 1;
        String name = env + "-" + ts + ".tar";
        Path target = dir.resolve(name);
        Path tmp = dir.resolve("." + name + PARTIAL_SUFFIX);
        Path tmpDigest = dir.resolve("." + name + DIGEST_SUFFIX + PARTIAL_SUFFIX);
        try {
            MessageDigest sha = sha256();
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), sha)) {
                writer.write(out);
            }
            fsync(tmp);
            String hex = HexFormat.of().formatHex(sha.digest());
            Files.writeString(tmpDigest, hex + "  " + name + "\n", StandardCharsets.UTF_8);
            // Digest first, tarball last: a Runner that sees the tarball always finds its digest.
            Files.move(tmpDigest, dir.resolve(name + DIGEST_SUFFIX), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
            Files.deleteIfExists(tmpDigest);
        }
        for (Version old : versions(env)) {
            if (old.timestamp() < ts) {
                Files.deleteIfExists(old.file());
                Files.deleteIfExists(old.digestFile());
            }
        }
        return new Version(env, ts, target);
    }

    /** Size of the temporary file of a write in progress (for progress reports), or -1. */
    public long partialSize(String env) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "." + env + "-*.tar" + PARTIAL_SUFFIX)) {
            for (Path p : ds) return Files.size(p);
        } catch (IOException ignored) { }
        return -1;
    }

    static MessageDigest sha256() {
        try { return MessageDigest.getInstance("SHA-256"); } catch (NoSuchAlgorithmException e) { throw new IllegalStateException(e); }
    }

    private static void fsync(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) { ch.force(true); }
    }
}
