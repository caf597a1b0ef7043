package io.hakuriver.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packages form layers (issue 11, item 7): no cycle, nothing depends on the composition root {@code cli}, the
 * Runner never on {@code host}, {@code host} never on the client, the Runner or {@code cli}. A dependency is an
 * import (static or not) or a fully qualified {@code io.hakuriver.x.Y} in the code; comments and string literals do
 * not count. Sub-packages ({@code runner.exec}, {@code hakurun.cluster}) are packages of their own.
 */
class PackageLayersTest {
    private static final Path SOURCES = Path.of("src/main/java");
    private static final Path ROOT = SOURCES.resolve("io/hakuriver");
    private static final Pattern PACKAGE = Pattern.compile("\\bpackage\\s+([\\w.]+)\\s*;");
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.hakuriver\\.([\\w$]+(?:\\.(?:[\\w$]+|\\*))*)");

    /** from -> to -> the files (relative to io/hakuriver) that make the edge. */
    private static Map<String, Map<String, Set<String>>> graph;

    @Test void thePackageGraphHasNoCycle() throws IOException {
        assertThat(cycles(graph())).as("package cycles (each edge with the files that make it)").isEmpty();
    }

    @Test void nothingDependsOnTheCompositionRoot() throws IOException {
        assertThat(edges(graph(), from -> !within(from, "cli"), to -> within(to, "cli")))
                .as("cli holds Main and the daemons' assembly: no package may depend on it").isEmpty();
    }

    @Test void theRunnerNeverDependsOnTheHost() throws IOException {
        assertThat(edges(graph(), from -> within(from, "runner"), to -> within(to, "host"))).isEmpty();
    }

    @Test void theHostDependsOnNeitherClientRunnerNorCli() throws IOException {
        assertThat(edges(graph(), from -> within(from, "host"),
                to -> within(to, "cli") || within(to, "client") || within(to, "runner"))).isEmpty();
    }

    /** The checks above would pass on an empty graph: this one makes sure the scanner sees what it must. */
    @Test void theScannerSeesImportsStaticImportsAndQualifiedNamesButNotCommentsOrStrings() throws IOException {
        String src = """
                package io.hakuriver.runner.exec;
                import io.hakuriver.api.TaskNames;
                import static io.hakuriver.util.Json.MAPPER;
                import io.hakuriver.hakurun.cluster.*;
                /** {@link io.hakuriver.host.HostCore} */
                class X { // io.hakuriver.cli.Main
                    String s = "io.hakuriver.client.HostClient \\" io.hakuriver.store.TaskStore";
                    String t = \"""
                        io.hakuriver.docker.DockerEngine
                        \""";
                    char q = '"'; Object o = io.hakuriver.runner.RunnerDaemon.class; /* io.hakuriver.systemd.SdNotify */
                    io.hakuriver.config.HakuConfig.Paths p;
                }
                """;
        String code = code(src);
        assertThat(packageOf(code)).isEqualTo("runner.exec");
        assertThat(references(code)).containsExactlyInAnyOrder("api", "util", "hakurun.cluster", "runner", "config");
        assertThat(graph().keySet()).contains("api", "cli", "client", "host", "runner", "runner.exec", "util");
    }

    @Test void aCycleIsReportedWithTheFilesThatMakeIt() {
        Map<String, Map<String, Set<String>>> g = new TreeMap<>();
        edge(g, "a", "b", "a/A.java");
        edge(g, "b", "c", "b/B.java");
        edge(g, "c", "a", "c/C.java");
        edge(g, "c", "d", "c/D.java");
        assertThat(cycles(g)).containsExactly("a -> b -> c -> a\n"
                + "    a -> b: a/A.java\n    b -> c: b/B.java\n    c -> a: c/C.java");
    }

    // ---- the graph

    static synchronized Map<String, Map<String, Set<String>>> graph() throws IOException {
        if (graph != null) return graph;
        Map<String, Map<String, Set<String>>> g = new TreeMap<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String code = code(Files.readString(f));
                String from = packageOf(code);
                g.computeIfAbsent(from, k -> new TreeMap<>());
                for (String to : references(code)) if (!to.equals(from)) edge(g, from, to, ROOT.relativize(f).toString());
            }
        }
        return graph = g;
    }

    private static void edge(Map<String, Map<String, Set<String>>> g, String from, String to, String file) {
        g.computeIfAbsent(from, k -> new TreeMap<>()).computeIfAbsent(to, k -> new TreeSet<>()).add(file);
        g.computeIfAbsent(to, k -> new TreeMap<>());
    }

    /** The package relative to io.hakuriver ("runner.exec"). */
    static String packageOf(String code) {
        Matcher m = PACKAGE.matcher(code);
        if (!m.find()) throw new IllegalArgumentException("no package declaration");
        return m.group(1).replaceFirst("^io\\.hakuriver\\.?", "");
    }

    /** The io.hakuriver packages named in the code, the file's own package declaration left out. */
    static Set<String> references(String code) {
        Matcher decl = PACKAGE.matcher(code);
        if (decl.find()) code = code.substring(0, decl.start()) + code.substring(decl.end());
        Set<String> out = new TreeSet<>();
        Matcher m = REFERENCE.matcher(code);
        while (m.find()) {
            List<String> pkg = new ArrayList<>();
            for (String segment : m.group(1).split("\\.")) {
                if (segment.equals("*") || Character.isUpperCase(segment.charAt(0))) break; // a type: the package ends
                pkg.add(segment);
            }
            if (!pkg.isEmpty()) out.add(String.join(".", pkg));
        }
        return out;
    }

    /** The source with comments removed and string, text-block and char literals emptied. */
    static String code(String src) {
        StringBuilder out = new StringBuilder(src.length());
        int i = 0;
        int n = src.length();
        while (i < n) {
            if (src.startsWith("//", i)) {
                while (i < n && src.charAt(i) != '\n') i++;
            } else if (src.startsWith("/*", i)) {
                int end = src.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                out.append(' ');
            } else if (src.startsWith("\"\"\"", i) || src.charAt(i) == '"' || src.charAt(i) == '\'') {
                String quote = src.startsWith("\"\"\"", i) ? "\"\"\"" : String.valueOf(src.charAt(i));
                i += quote.length();
                while (i < n && !src.startsWith(quote, i)) i += src.charAt(i) == '\\' ? 2 : 1;
                i += quote.length();
                out.append("\"\"");
            } else {
                out.append(src.charAt(i++));
            }
        }
        return out.toString();
    }

    private static boolean within(String pkg, String part) { return pkg.equals(part) || pkg.startsWith(part + "."); }

    private static List<String> edges(Map<String, Map<String, Set<String>>> g,
                                      java.util.function.Predicate<String> from, java.util.function.Predicate<String> to) {
        List<String> out = new ArrayList<>();
        g.forEach((a, deps) -> deps.forEach((b, files) -> {
            if (from.test(a) && to.test(b)) out.add(a + " -> " + b + ": " + String.join(", ", files));
        }));
        return out;
    }

    // ---- cycles

    /**
     * Every cycle through the strongly connected parts: for each edge a -> b inside one, the shortest way back from
     * b to a. That names each offending edge at least once without listing every elementary cycle.
     */
    static List<String> cycles(Map<String, Map<String, Set<String>>> g) {
        Map<String, Integer> component = components(g);
        Set<List<String>> found = new LinkedHashSet<>();
        g.forEach((a, deps) -> deps.keySet().forEach(b -> {
            if (!component.get(a).equals(component.get(b))) return;
            List<String> back = shortestPath(g, b, a, component);
            List<String> cycle = new ArrayList<>();
            cycle.add(a);
            cycle.addAll(back);
            cycle.remove(cycle.size() - 1); // a again
            found.add(rotated(cycle));
        }));
        List<String> out = new ArrayList<>();
        for (List<String> c : found) {
            StringBuilder s = new StringBuilder(String.join(" -> ", c)).append(" -> ").append(c.get(0));
            for (int k = 0; k < c.size(); k++) {
                String a = c.get(k);
                String b = c.get((k + 1) % c.size());
                s.append("\n    ").append(a).append(" -> ").append(b).append(": ").append(String.join(", ", g.get(a).get(b)));
            }
            out.add(s.toString());
        }
        return out;
    }

    /** The cycle starting at its smallest package, so one cycle found from two edges is reported once. */
    private static List<String> rotated(List<String> cycle) {
        int start = cycle.indexOf(new TreeSet<>(cycle).first());
        List<String> r = new ArrayList<>(cycle.subList(start, cycle.size()));
        r.addAll(cycle.subList(0, start));
        return r;
    }

    private static List<String> shortestPath(Map<String, Map<String, Set<String>>> g, String from, String to, Map<String, Integer> component) {
        Map<String, String> previous = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(from));
        previous.put(from, from);
        while (!queue.isEmpty()) {
            String at = queue.poll();
            if (at.equals(to)) break;
            for (String next : g.get(at).keySet()) {
                if (component.get(next).equals(component.get(from)) && previous.putIfAbsent(next, at) == null) queue.add(next);
            }
        }
        List<String> path = new ArrayList<>();
        for (String at = to; !at.equals(from); at = previous.get(at)) path.add(0, at);
        path.add(0, from);
        return path;
    }

    /** Tarjan's strongly connected components: package -> component number. */
    private static Map<String, Integer> components(Map<String, Map<String, Set<String>>> g) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Map<String, Integer> component = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        for (String v : g.keySet()) if (!index.containsKey(v)) connect(g, v, index, low, component, stack);
        return component;
    }

    private static void connect(Map<String, Map<String, Set<String>>> g, String v, Map<String, Integer> index,
                                Map<String, Integer> low, Map<String, Integer> component, Deque<String> stack) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        for (String w : g.get(v).keySet()) {
            if (!index.containsKey(w)) {
                connect(g, w, index, low, component, stack);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (stack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            int id = component.size();
            String w;
            do { w = stack.pop(); component.put(w, id); } while (!w.equals(v));
        }
    }
}
