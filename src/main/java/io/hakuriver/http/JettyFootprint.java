package io.hakuriver.http;

/**
 * Settings that keep Jetty from loading parts of the JDK the Host never needs. Call before the first Jetty class loads.
 */
public final class JettyFootprint {
    private static final String REFERENCES_PER_CACHE_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";

    private JettyFootprint() {}

    public static void apply() {
        // Unless told, Jetty's MemoryUtils asks the platform MBean server whether oops are compressed: that loads JMX
        // (~300 classes and an MBean per JVM part, ~2 MiB). The daemons' heaps are far below 32 GiB, so oops are
        // compressed: 64-byte cache lines hold 16 references.
        if (System.getProperty(REFERENCES_PER_CACHE_LINE) == null) System.setProperty(REFERENCES_PER_CACHE_LINE, "16");
    }
}
