package io.hakuriver.runner;

import io.hakuriver.config.HakuConfig;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Free space where the Runner and its tasks write: the shared dir (task output, working dir) and the state dir
 * (journal, outbox, exit files). A full disk otherwise shows up only as a bare "exit code 1" with empty logs.
 * One statvfs(2) per directory per look ({@link File#getUsableSpace}), cheap enough for every start.
 */
final class DiskSpace {
    /** Less than this is "full": not even a task's first output block or an exit file fits reliably. */
    static final long LOW_BYTES = 64 * 1024;

    private final Map<String, Path> dirs = new LinkedHashMap<>();

    DiskSpace(HakuConfig config) {
        dirs.put("shared_dir", config.sharedDir());
        dirs.put("state_dir", config.runnerStateDir());
    }

    /** "No space left on device: shared_dir /x has 12 bytes free", naming every full one, or null. */
    String problem() {
        StringBuilder sb = null;
        for (var e : dirs.entrySet()) {
            long free = usable(e.getValue());
            if (free >= LOW_BYTES) continue;
            sb = sb == null ? new StringBuilder("No space left on device: ") : sb.append("; ");
            sb.append(e.getKey()).append(' ').append(e.getValue()).append(" has ").append(free).append(" bytes free");
        }
        return sb == null ? null : sb.toString();
    }

    /** For the Runner's /health: path, free bytes and whether it is full, per directory. */
    Map<String, Object> health() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (var e : dirs.entrySet()) {
            long free = usable(e.getValue());
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("path", e.getValue().toString());
            d.put("free_bytes", free);
            d.put("ok", free >= LOW_BYTES);
            if (free < LOW_BYTES) d.put("problem", "no space left on device");
            out.put(e.getKey(), d);
        }
        return out;
    }

    /** Usable bytes of the file system holding {@code p} (its nearest existing parent: 0 would mean "missing"). */
    private static long usable(Path p) {
        Path q = p.toAbsolutePath();
        while (q != null && !Files.exists(q)) q = q.getParent();
        return q == null ? 0 : q.toFile().getUsableSpace();
    }
}
