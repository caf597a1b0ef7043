package io.hakuriver.host;

/** Writes the Prometheus text exposition format (version 0.0.4): HELP/TYPE lines, samples, escaped label values. */
final class MetricsText {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private final StringBuilder sb = new StringBuilder(4096);

    void header(String name, String type, String help) {
        sb.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** A metric with one sample and no labels. */
    void gauge(String name, String help, double value) { header(name, "gauge", help); sample(name, value); }

    void sample(String name, double value) { sb.append(name).append(' ').append(number(value)).append('\n'); }

    void sample(String name, String label, String labelValue, double value) {
        sb.append(name).append('{').append(label).append("=\"").append(escape(labelValue)).append("\"} ").append(number(value)).append('\n');
    }

    /** Label values may hold any text: backslash, double quote and newline are escaped as the format requires. */
    static String escape(String v) { return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"); }

    static String number(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return String.valueOf((long) v);
        return String.valueOf(v);
    }

    @Override public String toString() { return sb.toString(); }
}
