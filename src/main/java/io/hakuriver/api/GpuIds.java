package io.hakuriver.api;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** GPU id lists as users write them ("0,1") and their bounds. */
public final class GpuIds {
    /** nvidia-smi indexes are small; anything larger is a typo, not a GPU. */
    public static final int MAX_ID = 1023;
    /** Most GPUs one task may ask for. */
    public static final int MAX_PER_TASK = 64;

    private GpuIds() {}

    /** "0,1" → [0, 1]; duplicates, negatives, non-numbers and ids over {@link #MAX_ID} are errors. */
    public static List<Integer> parse(String text) {
        List<Integer> out = new ArrayList<>();
        TreeSet<Integer> seen = new TreeSet<>();
        for (String part : text.split(",", -1)) {
            String p = part.strip();
            if (!p.matches("\\d{1,4}")) throw new IllegalArgumentException("'" + text + "' is not a list of GPU ids like 0,1");
            int id = Integer.parseInt(p);
            if (id > MAX_ID) throw new IllegalArgumentException("GPU id " + id + " is out of range (0-" + MAX_ID + ")");
            if (!seen.add(id)) throw new IllegalArgumentException("GPU id " + id + " is given twice in '" + text + "'");
            out.add(id);
        }
        if (out.size() > MAX_PER_TASK) throw new IllegalArgumentException("at most " + MAX_PER_TASK + " GPUs per task");
        return out;
    }

    public static String format(List<Integer> ids) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ids.size(); i++) { if (i > 0) sb.append(','); sb.append(ids.get(i)); }
        return sb.toString();
    }
}
