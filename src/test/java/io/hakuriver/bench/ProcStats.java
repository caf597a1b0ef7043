package io.hakuriver.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Reads memory and CPU figures of a process from /proc (Linux). */
final class ProcStats {
    private ProcStats() {}

    /** Resident set sizes in KiB: total, anonymous (heap, metaspace, code), file-backed (jar, libjvm), peak. */
    record Memory(long rssKb, long anonKb, long fileKb, long hwmKb) {
        String mib(long kb) { return String.format(Locale.ROOT, "%.1f MiB", kb / 1024.0); }
        @Override public String toString() {
            return "VmRSS " + mib(rssKb) + " (anon " + mib(anonKb) + ", file " + mib(fileKb) + "), VmHWM " + mib(hwmKb);
        }
        double rssMib() { return rssKb / 1024.0; }
    }

    static Memory memory(long pid) throws IOException {
        long rss = 0, anon = 0, file = 0, hwm = 0;
        for (String l : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (l.startsWith("VmRSS:")) rss = kb(l);
            else if (l.startsWith("RssAnon:")) anon = kb(l);
            else if (l.startsWith("RssFile:")) file = kb(l);
            else if (l.startsWith("VmHWM:")) hwm = kb(l);
        }
        return new Memory(rss, anon, file, hwm);
    }

    private static long kb(String line) {
        String[] parts = line.trim().split("\\s+");
        return Long.parseLong(parts[1]);
    }

    /** User + system CPU time the process has used so far, in milliseconds. */
    static long cpuMillis(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        // the command name (field 2) may contain spaces: fields are counted after its closing parenthesis
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
        return ticks * 1000L / 100L; // USER_HZ is 100 on every Linux we run on
    }

    /** The process's command line, arguments separated by spaces. */
    static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline"))).replace('\0', ' ').trim();
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    static String loadAverage() {
        try { return Files.readString(Path.of("/proc/loadavg")).trim(); } catch (IOException e) { return "?"; }
    }
}
