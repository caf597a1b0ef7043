package io.hakuriver.runner.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds processes by a variable in their environment ({@code /proc/<pid>/environ}, readable by root or the same
 * account): how a Runner without its state dir recognises the plain-process tasks it started.
 */
final class ProcScan {
    private static final Path PROC = Path.of("/proc");
    /** Most bytes of an environment read (a task's own are at most about 1 MiB). */
    private static final int MAX_ENVIRON = 4 << 20;

    private ProcScan() {}

    /** A process whose environment holds every wanted {@code NAME=value} and a numeric HAKURIVER_TASK_ID. */
    record Marked(long pid, long taskId, boolean sessionLeader, int uid, int gid, long startMillis) {}

    static List<Marked> marked(List<String> entries) {
        List<byte[]> want = entries.stream().map(e -> e.getBytes(StandardCharsets.UTF_8)).toList();
        List<Marked> out = new ArrayList<>();
        try (var procs = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path p : procs) {
                try {
                    Marked m = read(p, want);
                    if (m != null) out.add(m);
                } catch (IOException | RuntimeException gone) {
                    // exited meanwhile, or not ours to read
                }
            }
        } catch (IOException e) {
            return out;
        }
        out.sort(java.util.Comparator.comparingLong(Marked::pid));
        return out;
    }

    private static Marked read(Path proc, List<byte[]> want) throws IOException {
        byte[] env;
        try (var in = Files.newInputStream(proc.resolve("environ"))) { env = in.readNBytes(MAX_ENVIRON); }
        int matched = 0;
        Long taskId = null;
        int start = 0;
        for (int i = 0; i <= env.length; i++) {
            if (i < env.length && env[i] != 0) continue;
            int len = i - start;
            for (byte[] w : want) if (len == w.length && java.util.Arrays.equals(env, start, i, w, 0, w.length)) matched++;
            String entry = len > 18 && len < 60 ? new String(env, start, len, StandardCharsets.UTF_8) : "";
            if (entry.startsWith("HAKURIVER_TASK_ID=") && entry.substring(18).matches("\\d{1,19}")) {
                try { taskId = Long.parseLong(entry.substring(18)); } catch (NumberFormatException ignored) { }
            }
            start = i + 1;
        }
        if (matched < want.size() || taskId == null) return null;
        long pid = Long.parseLong(proc.getFileName().toString());
        String stat = Files.readString(proc.resolve("stat"), StandardCharsets.UTF_8);
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // after "(comm) ": state ppid pgrp session
        boolean leader = Long.parseLong(f[3]) == pid;
        int uid = -1, gid = -1;
        for (String l : Files.readAllLines(proc.resolve("status"), StandardCharsets.UTF_8)) {
            if (l.startsWith("Uid:")) uid = Integer.parseInt(l.substring(4).trim().split("\\s+")[0]);
            if (l.startsWith("Gid:")) gid = Integer.parseInt(l.substring(4).trim().split("\\s+")[0]);
        }
        long started = ProcessHandle.of(pid).flatMap(h -> h.info().startInstant()).map(Instant::toEpochMilli).orElse(0L);
        return new Marked(pid, taskId, leader, uid, gid, started);
    }
}
