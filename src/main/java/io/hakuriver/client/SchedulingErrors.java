package io.hakuriver.client;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Host's 503 "Failed to schedule task for any target. Failures: [{'target': 'x', 'reason': 'y'}]" keeps the
 * original's wire text (other clients parse it); for people it becomes one line per target. The dashboard does the
 * same in js/pages/submit-form.js.
 */
public final class SchedulingErrors {
    static final String PREFIX = "Failed to schedule task for any target. Failures: [";
    private static final Pattern ENTRY = Pattern.compile("\\{'target': '(.*?)', 'reason': '(.*?)'\\}(?=, \\{|\\]$)");

    public record Failure(String target, String reason) {}

    private SchedulingErrors() {}

    /** The failures in such a detail, or an empty list when it is another text. */
    public static List<Failure> parse(String detail) {
        List<Failure> out = new ArrayList<>();
        if (detail == null || !detail.startsWith(PREFIX)) return out;
        Matcher m = ENTRY.matcher(detail.substring(PREFIX.length() - 1));
        while (m.find()) out.add(new Failure(m.group(1), m.group(2)));
        return out;
    }

    /** Readable lines for a scheduling refusal, or null when the detail is not one. */
    public static String readable(String detail) {
        List<Failure> f = parse(detail);
        if (f.isEmpty()) return null;
        StringBuilder sb = new StringBuilder(f.size() == 1 ? "the target could not take the task:" : "no target could take the task:");
        for (Failure x : f) sb.append("\n  --target ").append(x.target()).append(": ").append(x.reason());
        return sb.toString();
    }
}
