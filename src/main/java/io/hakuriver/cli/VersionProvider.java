package io.hakuriver.cli;

import picocli.CommandLine;

public class VersionProvider implements CommandLine.IVersionProvider {
    public static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "0.2.0-dev" : v;
    }
    @Override public String[] getVersion() {
        return new String[]{"HakuRiver (JVM) " + version() + " — Java " + System.getProperty("java.version")};
    }
}
