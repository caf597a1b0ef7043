package io.hakuriver.docker;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Long Host-side operations in flight (create-container, create-tar), per container/environment name, so that the
 * CLI can show progress while its request waits ({@code GET /docker/operations}).
 */
public final class OperationProgress {
    /** One operation: what it does now and how many bytes it has moved so far. */
    public static final class Op {
        final String operation;
        final long startedNanos = System.nanoTime();
        volatile String phase;
        volatile long bytes;

        Op(String operation, String phase) { this.operation = operation; this.phase = phase; }

        public void phase(String p) { this.phase = p; this.bytes = 0; }
        public void bytes(long b) { this.bytes = b; }

        Map<String, Object> view() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("operation", operation);
            m.put("phase", phase);
            m.put("bytes", bytes);
            m.put("elapsed_seconds", Math.round((System.nanoTime() - startedNanos) / 1e8) / 10.0);
            return m;
        }
    }

    private final Map<String, Op> ops = new ConcurrentHashMap<>();

    public Op begin(String name, String operation, String phase) {
        Op op = new Op(operation, phase);
        ops.put(name, op);
        return op;
    }

    public void end(String name, Op op) { ops.remove(name, op); }

    public Map<String, Object> snapshot() {
        Map<String, Object> m = new java.util.TreeMap<>();
        ops.forEach((k, v) -> m.put(k, v.view()));
        return m;
    }
}
