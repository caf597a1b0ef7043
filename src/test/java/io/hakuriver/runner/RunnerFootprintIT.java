package io.hakuriver.runner;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.testsupport.Cluster;
import io.hakuriver.testsupport.Env;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What keeps a Runner inside its 64 MiB (issue 9; the figures are measured in bench/ (c) and (d)): after a sweep, a
 * kill and its heartbeats, a real Runner started as units start it has loaded none of Jackson databind's mapper,
 * picocli's parser or logback's pattern machinery — together ~11 MiB of resident memory when they were loaded. The
 * class list is the Runner's own, read with jcmd.
 */
class RunnerFootprintIT {
    static final int TASKS = 300;
    @TempDir Path tmp;
    Cluster c;

    @AfterEach void down() { if (c != null) c.close(); }

    @Test void aRunnerThatRanASweepHoldsNoDatabindMapperNoParserNoPatternLayout() throws Exception {
        c = Cluster.start(tmp.resolve("c"));
        Cluster.Runner runner = c.addRunner("lean", null);
        c.awaitOnline(1);
        List<List<String>> sets = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) sets.add(List.of(Integer.toString(i)));
        JsonNode sweep = c.client().post("/submit", Map.of("command", "echo", "arguments", List.of(), "argument_sets", sets,
                "required_cores", 0, "container_name", "NULL"));
        String batch = sweep.get("batch_id").asText();
        Cluster.await(Duration.ofMinutes(3), "the sweep to complete",
                () -> c.client().get("/batches/" + batch).get("counts").path("completed").asInt() == TASKS);
        JsonNode sleeper = c.client().post("/submit", Map.of("command", "sleep", "arguments", List.of("60"),
                "required_cores", 0, "container_name", "NULL"));
        String id = sleeper.get("task_ids").get(0).asText();
        c.awaitTask(id, Duration.ofSeconds(60), "running"::equals);
        c.client().post("/kill/" + id, null);
        assertThat(c.awaitTask(id, Duration.ofSeconds(60), Cluster::isFinal).path("status").asText()).isEqualTo("killed");

        String classes = jcmd(runner.process().pid(), "VM.class_hierarchy");
        assertThat(classes).as("the listing names the Runner's own classes").contains("io.hakuriver.api.WireJson/", "io.hakuriver.runner.RunnerDaemon/");
        assertThat(classes).doesNotContain("com.fasterxml.jackson.databind.ObjectMapper/",
                "com.fasterxml.jackson.databind.deser.BeanDeserializer/", "picocli.CommandLine/", "ch.qos.logback.classic.PatternLayout/");
    }

    private static String jcmd(long pid, String command) throws Exception {
        Path jcmd = Env.javaBin().resolveSibling("jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        return text;
    }
}
