package io.hakuriver.util;

import picocli.CommandLine;

public class VersionProvider implements CommandLine.IVersionProvider {
    public static String version() { return io.hakuriver.util.Version.version(); }
    @Override public String[] getVersion() {
        return new String[]{"HakuRiver (JVM) " + version() + " — Java " + System.getProperty("java.version")};
    }
}
