package io.hakuriver.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads memory and CPU figures of a process from /proc (Linux). */
final class ProcStats {
    private ProcStats() {}

    /** Resident set sizes in KiB: total, anonymous (heap, metaspace, code, malloc), file-backed (jar, libjvm), peak; thread count. */
    record Memory(long rssKb, long anonKb, long fileKb, long hwmKb, int threads) {
        String mib(long kb) { return String.format(Locale.ROOT, "%.1f MiB", kb / 1024.0); }
        @Override public String toString() {
            return "VmRSS " + mib(rssKb) + " (anon " + mib(anonKb) + ", file " + mib(fileKb) + "), VmHWM " + mib(hwmKb) + ", " + threads + " threads";
        }
        double rssMib() { return rssKb / 1024.0; }
    }

    static Memory memory(long pid) throws IOException {
        long rss = 0, anon = 0, file = 0, hwm = 0;
        int threads = 0;
        for (String l : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (l.startsWith("VmRSS:")) rss = kb(l);
            else if (l.startsWith("RssAnon:")) anon = kb(l);
            else if (l.startsWith("RssFile:")) file = kb(l);
            else if (l.startsWith("VmHWM:")) hwm = kb(l);
            else if (l.startsWith("Threads:")) threads = (int) kb(l);
        }
        return new Memory(rss, anon, file, hwm, threads);
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

    /**
     * CPU time the whole machine spent busy (user, nice, system, irq, softirq of every CPU, from /proc/stat), in ms:
     * across a burst it covers what the daemons' own counters miss — the tasks, their spawn helpers, the kernel.
     */
    static long machineBusyMillis() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long ticks = 0;
        for (int i : new int[] {1, 2, 3, 6, 7}) ticks += Long.parseLong(f[i]);
        return ticks * 1000L / 100L;
    }

    /** The process's command line, arguments separated by spaces. */
    static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline"))).replace('\0', ' ').trim();
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /**
     * The JVM's own account of its memory (needs -XX:NativeMemoryTracking=summary, see -Dbench.nmt): one line per
     * category with its committed size, largest first.
     */
    static List<String> nativeMemory(long pid) {
        List<String> out = new ArrayList<>();
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(pid),
                    "VM.native_memory", "summary").redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            Matcher m = Pattern.compile("(?m)^-?\\s*([A-Za-z][A-Za-z .]*?) \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)").matcher(text);
            List<Map.Entry<String, Long>> rows = new ArrayList<>();
            while (m.find()) rows.add(Map.entry(m.group(1).trim(), Long.parseLong(m.group(3))));
            rows.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
            Matcher total = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB").matcher(text);
            if (total.find()) out.add(String.format(Locale.ROOT, "%-28s committed %8.1f MiB", "Total (NMT)", Long.parseLong(total.group(2)) / 1024.0));
            for (var r : rows) out.add(String.format(Locale.ROOT, "%-28s committed %8.1f MiB", r.getKey(), r.getValue() / 1024.0));
            if (out.isEmpty()) out.add("(no NMT data: " + text.trim().replace('\n', ' ') + ")");
        } catch (Exception e) {
            out.add("(jcmd failed: " + e + ")");
        }
        return out;
    }

    /** Threads of a process grouped by name (digits stripped; Linux keeps the first 15 characters), most first. */
    static String threadGroups(long pid) {
        Map<String, Integer> groups = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(t.resolve("comm")).trim().replaceAll("[0-9]+", "#");
                    groups.merge(name, 1, Integer::sum);
                } catch (IOException ignored) { } // the thread ended meanwhile
            }
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
        StringBuilder sb = new StringBuilder();
        groups.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue())
                .forEach(e -> sb.append(sb.length() == 0 ? "" : ", ").append(e.getValue()).append(" x ").append(e.getKey()));
        return sb.toString();
    }

    static String loadAverage() {
        try { return Files.readString(Path.of("/proc/loadavg")).trim(); } catch (IOException e) { return "?"; }
    }
}
