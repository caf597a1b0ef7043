package io.hakuriver.runner;

import io.hakuriver.api.NumaNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CPU, memory and NUMA facts read from /proc and sysfs (Linux is the only platform HakuRiver runs tasks on).
 * We read the kernel's files directly rather than through OSHI: it is a few lines, costs no JNA and keeps an
 * idle Runner small.
 */
public final class NodeFacts {
    private static final Logger log = LoggerFactory.getLogger(NodeFacts.class);
    private static final Pattern MEMINFO = Pattern.compile("^(\\w+):\\s+(\\d+)\\s*kB", Pattern.MULTILINE);
    private static final Pattern NODE_MEM = Pattern.compile("MemTotal:\\s+(\\d+)\\s*kB");

    private long[] lastCpu;

    public int totalCores() { return Runtime.getRuntime().availableProcessors(); }

    public long totalRamBytes() { return meminfo().getOrDefault("MemTotal", 0L) * 1024; }

    /** Used = total − available, as `free` shows it. */
    public long usedRamBytes() {
        Map<String, Long> m = meminfo();
        long total = m.getOrDefault("MemTotal", 0L), avail = m.getOrDefault("MemAvailable", m.getOrDefault("MemFree", 0L));
        return Math.max(0, total - avail) * 1024;
    }

    private static Map<String, Long> meminfo() {
        Map<String, Long> out = new LinkedHashMap<>();
        try {
            Matcher m = MEMINFO.matcher(Files.readString(Path.of("/proc/meminfo")));
            while (m.find()) out.put(m.group(1), Long.parseLong(m.group(2)));
        } catch (Exception e) {
            log.debug("cannot read /proc/meminfo: {}", e.toString());
        }
        return out;
    }

    /** Whole-machine CPU utilisation since the previous call (0 on the first call). */
    public synchronized double cpuPercent() {
        try {
            String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = line.trim().split("\\s+");
            long[] v = new long[f.length - 1];
            for (int i = 1; i < f.length; i++) v[i - 1] = Long.parseLong(f[i]);
            long idle = v[3] + (v.length > 4 ? v[4] : 0), total = 0;
            for (int i = 0; i < Math.min(v.length, 8); i++) total += v[i];
            double pct = 0;
            if (lastCpu != null) {
                long dt = total - lastCpu[0], di = idle - lastCpu[1];
                pct = dt <= 0 ? 0 : Math.round((dt - di) * 1000.0 / dt) / 10.0;
            }
            lastCpu = new long[]{total, idle};
            return pct;
        } catch (Exception e) {
            return 0;
        }
    }

    /** NUMA zones from /sys/devices/system/node, else from `numactl -H`; null when neither works. */
    public Map<String, NumaNode> numaTopology(String numactlPath) {
        Map<String, NumaNode> fromSys = fromSysfs(Path.of("/sys/devices/system/node"));
        if (fromSys != null) return fromSys;
        return fromNumactl(numactlPath == null || numactlPath.isBlank() ? "numactl" : numactlPath);
    }

    static Map<String, NumaNode> fromSysfs(Path base) {
        if (!Files.isDirectory(base)) return null;
        Map<Integer, NumaNode> zones = new TreeMap<>();
        try (var dirs = Files.list(base)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String name = d.getFileName().toString();
                if (!name.matches("node\\d+")) continue;
                int id = Integer.parseInt(name.substring(4));
                List<Integer> cores = parseCpuList(Files.readString(d.resolve("cpulist")).trim());
                Long mem = null;
                Path mi = d.resolve("meminfo");
                if (Files.isReadable(mi)) {
                    Matcher m = NODE_MEM.matcher(Files.readString(mi));
                    if (m.find()) mem = Long.parseLong(m.group(1)) * 1024;
                }
                zones.put(id, new NumaNode(cores, mem));
            }
        } catch (Exception e) {
            return null;
        }
        if (zones.isEmpty()) return null;
        Map<String, NumaNode> out = new LinkedHashMap<>();
        zones.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    /** "0-3,8,10-11" → [0,1,2,3,8,10,11]. */
    public static List<Integer> parseCpuList(String s) {
        List<Integer> out = new ArrayList<>();
        if (s.isBlank()) return out;
        for (String part : s.split(",")) {
            String p = part.trim();
            if (p.contains("-")) {
                String[] ab = p.split("-");
                for (int i = Integer.parseInt(ab[0]); i <= Integer.parseInt(ab[1]); i++) out.add(i);
            } else out.add(Integer.parseInt(p));
        }
        return out;
    }

    /** Parses `numactl -H` output (spec §7.11); binary units. */
    static Map<String, NumaNode> parseNumactl(String text) {
        Map<Integer, List<Integer>> cpus = new TreeMap<>();
        Map<Integer, Long> sizes = new TreeMap<>();
        Matcher c = Pattern.compile("^node (\\d+) cpus:(.*)$", Pattern.MULTILINE).matcher(text);
        while (c.find()) {
            List<Integer> l = new ArrayList<>();
            for (String x : c.group(2).trim().split("\\s+")) if (!x.isBlank()) l.add(Integer.parseInt(x));
            cpus.put(Integer.parseInt(c.group(1)), l);
        }
        Matcher s = Pattern.compile("^node (\\d+) size: (\\d+) (kB|MB|GB)$", Pattern.MULTILINE | Pattern.CASE_INSENSITIVE).matcher(text);
        while (s.find()) {
            long mult = switch (s.group(3).toUpperCase()) { case "KB" -> 1024L; case "MB" -> 1024L * 1024; default -> 1024L * 1024 * 1024; };
            sizes.put(Integer.parseInt(s.group(1)), Long.parseLong(s.group(2)) * mult);
        }
        if (cpus.isEmpty()) return null;
        Map<String, NumaNode> out = new LinkedHashMap<>();
        cpus.forEach((k, v) -> out.put(String.valueOf(k), new NumaNode(v, sizes.get(k))));
        return out;
    }

    private static Map<String, NumaNode> fromNumactl(String numactl) {
        try {
            Process p = new ProcessBuilder(numactl, "-H").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) return null;
            return parseNumactl(out);
        } catch (Exception e) {
            return null;
        }
    }
}
