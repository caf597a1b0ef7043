package io.hakuriver.runner.exec;

/**
 * How the JDK starts the Runner's task processes. Since JDK 12 it posix_spawns a helper (jspawnhelper) that then
 * execs the command: one more exec per task. With VFORK the JVM execs the command itself; measured on a 2-core
 * node across a 2,000-task burst (bench/ (d), the whole machine's CPU): 3.8-4.1 ms of CPU per task instead of
 * 4.7-5.0, 480-520 tasks/s instead of 400-425. VFORK was Linux's default up to JDK 11; JDK 25 deprecates it
 * (a warning on stderr) and a later JDK removes it (an error), so it is chosen for JDK 17-24 only, and never over
 * an operator's own {@code -Djdk.lang.Process.launchMechanism}.
 */
public final class LaunchMechanism {
    static final String PROPERTY = "jdk.lang.Process.launchMechanism";

    private LaunchMechanism() {}

    /** Call before the JVM starts its first process: the JDK reads the property once. */
    public static void choose() {
        String chosen = choice(System.getProperty(PROPERTY), System.getProperty("os.name", ""), Runtime.version().feature());
        if (chosen != null) System.setProperty(PROPERTY, chosen);
    }

    /** The mechanism to set, or null to leave the JDK's (or the operator's) choice alone. */
    static String choice(String operators, String os, int jdkFeature) {
        if (operators != null && !operators.isBlank()) return null;
        if (!os.equals("Linux")) return null;
        return jdkFeature >= 17 && jdkFeature <= 24 ? "VFORK" : null;
    }
}
