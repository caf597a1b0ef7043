package io.hakuriver.api;


import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One GPU as a Runner reports it in {@code gpu_info} of /register and /heartbeat. Field names are KohakuRiver's
 * ({@code gpu_id}, {@code name}, {@code memory_total_mib}, {@code memory_used_mib}, {@code gpu_utilization},
 * {@code temperature}, …) so its tools read them; like KohakuRiver, a figure the driver cannot give
 * ({@code [N/A]}, {@code [Not Supported]}) is -1, and an unknown text is "". {@code uuid} is ours (nvidia-smi's
 * {@code GPU-…} id): tasks are isolated by it, see {@code runner.exec.GpuEnvironment}.
 */
public record GpuInfo(int gpuId, String uuid, String name, double memoryTotalMib, double memoryUsedMib,
                      double memoryFreeMib, int gpuUtilization, int temperature, long powerUsageMw) {
    public static final int UNKNOWN = -1;

    /** The same GPU with fresh figures (a heartbeat's): identity stays, numbers change. */
    public boolean sameDevice(GpuInfo o) { return o != null && gpuId == o.gpuId && uuid.equals(o.uuid); }

    /**
     * As a Runner sends it, leniently: a figure that is absent, not a number or negative is unknown (-1) and a text
     * that is not one is "", as the driver's own gaps are; long texts are cut. Only {@code gpu_id} is checked, by
     * {@link #check}: a wrong one is -1 here. Read by {@link WireReader} from a body's values.
     */
    static GpuInfo fromWire(Map<?, ?> m) {
        Object gpuId = m.get("gpu_id");
        int id = gpuId instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE ? (int) (long) l : UNKNOWN;
        return new GpuInfo(id, text(m.get("uuid"), 128), text(m.get("name"), 256), figure(m.get("memory_total_mib")),
                figure(m.get("memory_used_mib")), figure(m.get("memory_free_mib")),
                (int) Math.min(Integer.MAX_VALUE, figure(m.get("gpu_utilization"))),
                (int) Math.min(Integer.MAX_VALUE, figure(m.get("temperature"))), (long) figure(m.get("power_usage_mw")));
    }

    private static String text(Object v, int max) {
        String t = v instanceof String s ? s : "";
        return t.length() > max ? t.substring(0, max) : t;
    }

    private static double figure(Object v) {
        double d = v instanceof Number n ? n.doubleValue() : UNKNOWN;
        return Double.isFinite(d) && d >= 0 ? d : UNKNOWN;
    }

    /** gpu_info of a /register or /heartbeat: at most {@link Bounds#MAX_GPUS_PER_NODE}, distinct ids in range. */
    static void check(Problems p, List<GpuInfo> gpus) {
        if (gpus == null) return;
        if (gpus.size() > Bounds.MAX_GPUS_PER_NODE) {
            p.add("gpu_info", "gpu_info must be a list of at most " + Bounds.MAX_GPUS_PER_NODE + " GPUs", "too_long");
            return;
        }
        Set<Integer> seen = new HashSet<>();
        for (GpuInfo g : gpus) {
            if (g == null || g.gpuId < 0 || g.gpuId > GpuIds.MAX_ID || !seen.add(g.gpuId)) {
                p.add("gpu_info", "each GPU needs a distinct integer gpu_id between 0 and " + GpuIds.MAX_ID, "value_error");
                return;
            }
        }
    }

    /** gpu_error as a Host shows it: one line, at most 300 characters. */
    static String oneLine(String s) {
        if (s == null) return null;
        String t = s.replaceAll("[\\r\\n\\t]+", " ").strip();
        return t.length() > 300 ? t.substring(0, 300) + "…" : t;
    }
}
