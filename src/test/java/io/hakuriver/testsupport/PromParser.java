package io.hakuriver.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.util.Json;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Parses Prometheus text exposition with the official Python client's parser (prometheus_client.parser), so a test
 * checks /metrics against a real implementation of the format rather than our own reading of it. Returns the
 * families as JSON: {name: {"type": t, "samples": [[sample name, {labels}, value], ...]}}. A parse error fails.
 */
public final class PromParser {
    private PromParser() {}

    private static final String SCRIPT = """
        import json, sys
        from prometheus_client.parser import text_string_to_metric_families
        out = {}
        for f in text_string_to_metric_families(sys.stdin.read()):
            out[f.name] = {"type": f.type, "samples": [[s.name, s.labels, s.value] for s in f.samples]}
        print(json.dumps(out))
        """;

    /** The python3 that has prometheus_client (Debian's, when another python3 comes first on PATH), or null. */
    public static String python() {
        for (String p : new String[] {"python3", "/usr/bin/python3"}) {
            if (Env.run(p, "-c", "import prometheus_client.parser") == 0) return p;
        }
        return null;
    }

    public static void require() {
        Env.require(python() != null, "python3 with prometheus_client (scripts/testenv/prometheus-parser.sh)");
    }

    public static JsonNode parse(String text) throws Exception {
        String py = python();
        if (py == null) throw new AssertionError("no python3 with prometheus_client");
        Path in = Files.createTempFile("metrics", ".txt");
        Files.writeString(in, text);
        Process p = new ProcessBuilder(py, "-c", SCRIPT).redirectInput(in.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) { p.destroyForcibly(); throw new AssertionError("parser timed out"); }
        Files.deleteIfExists(in);
        if (p.exitValue() != 0) throw new AssertionError("prometheus_client could not parse /metrics: " + err + "\n--- input\n" + text);
        return Json.tree(new String(out, StandardCharsets.UTF_8));
    }
}
