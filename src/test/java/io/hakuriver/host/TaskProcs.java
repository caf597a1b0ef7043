package io.hakuriver.host;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Finds a task's processes on this machine by HAKURIVER_TASK_ID in /proc/PID/environ (test helper). */
final class TaskProcs {
    private TaskProcs() {}

    static List<Long> of(String taskId) {
        byte[] marker = ("HAKURIVER_TASK_ID=" + taskId + "\0").getBytes();
        List<Long> out = new ArrayList<>();
        try (var s = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (!n.chars().allMatch(Character::isDigit)) continue;
                try {
                    byte[] env = Files.readAllBytes(p.resolve("environ"));
                    if (contains(env, marker) && !state(Long.parseLong(n)).equals("Z")) out.add(Long.parseLong(n));
                } catch (Exception ignored) { }
            }
        } catch (Exception ignored) { }
        return out;
    }

    static List<String> states(String taskId) {
        List<String> out = new ArrayList<>();
        for (long pid : of(taskId)) out.add(state(pid));
        return out;
    }

    static String state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        } catch (Exception e) { return "?"; }
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (i > 0 && hay[i - 1] != 0) continue;
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return true;
        }
        return false;
    }
}
