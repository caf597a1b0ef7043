package io.hakuriver.util;

/** The program's version, from the jar manifest (a development build has none). */
public final class Version {
    private Version() {}

    public static String version() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "0.2.0-dev" : v;
    }
}
