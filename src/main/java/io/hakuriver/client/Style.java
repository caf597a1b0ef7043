package io.hakuriver.client;

/**
 * Terminal output decisions: live lines and colour only on a terminal; colour never with --json, NO_COLOR
 * (https://no-color.org: set and not empty) or TERM=dumb.
 */
public record Style(boolean terminal, boolean colour) {

    public static Style detect(boolean json) {
        boolean tty = System.console() != null && !json;
        String noColor = System.getenv("NO_COLOR");
        boolean colour = tty && (noColor == null || noColor.isEmpty()) && !"dumb".equals(System.getenv("TERM"));
        return new Style(tty, colour);
    }

    public static Style plain() { return new Style(false, false); }

    /** A task state coloured by outcome: green done, red failed/killed/lost, yellow waiting, cyan running. */
    public String state(String s) {
        if (!colour) return s;
        String code = switch (s) {
            case "completed" -> "32";
            case "failed", "killed", "killed_oom", "lost" -> "31";
            case "pending", "assigning", "paused" -> "33";
            case "running" -> "36";
            default -> "0";
        };
        return "\u001b[" + code + "m" + s + "\u001b[0m";
    }

    public String dim(String s) { return colour ? "\u001b[2m" + s + "\u001b[0m" : s; }

    /** "1 task", "2 tasks". */
    public static String count(int n, String noun) { return n + " " + noun + (n == 1 ? "" : "s"); }
}
