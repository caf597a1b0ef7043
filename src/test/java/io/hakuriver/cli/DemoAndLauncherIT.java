package io.hakuriver.cli;

import io.hakuriver.testsupport.Cluster;
import io.hakuriver.testsupport.Env;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's first command (the embedded default) and the launcher scripts, run as a user would. */
class DemoAndLauncherIT {
    @TempDir Path tmp;

    private static Cluster.Result run(Path dir, List<String> argv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile());
        pb.environment().put("HAKURIVER_JAR", Env.jar().toString());
        pb.environment().put("HOME", dir.toString());
        Path out = dir.resolve("out.txt"), err = dir.resolve("err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) { p.destroyForcibly(); throw new AssertionError("timed out: " + argv); }
        return new Cluster.Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static String bin(String name) { return Path.of("bin", name).toAbsolutePath().toString(); }

    @Test void demoRunsASampleTaskEndToEnd() throws Exception {
        int port = Cluster.freePortPair();
        Cluster.Result r = run(tmp, List.of(bin("hakuriver"), "demo", "--exit", "--data", tmp.resolve("d").toString(), "--port", String.valueOf(port)));
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("completed (exit code 0)").contains("Hello from HakuRiver task")
                .contains("http://127.0.0.1:" + port + "/").contains("--list-nodes");
        assertThat(tmp.resolve("d/cluster.db")).exists();
        assertThat(tmp.resolve("d/demo.toml")).exists();
        assertThat(r.out() + r.err()).doesNotContain("ERROR", "Exception");
    }

    /**
     * The demo as a person uses it: every command it prints under "Try:" works as printed while it serves, and
     * SIGTERM (as Ctrl-C) stops it with exit 0 and kills its unfinished tasks (none is left under PID 1).
     */
    @Test void everyExampleTheDemoPrintsWorksAndStoppingItKillsItsTasks() throws Exception {
        int port = Cluster.freePortPair();
        ProcessBuilder pb = new ProcessBuilder(bin("hakuriver"), "demo", "--data", tmp.resolve("d").toString(), "--port", String.valueOf(port))
                .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(tmp.resolve("demo.log").toFile());
        pb.environment().put("HAKURIVER_JAR", Env.jar().toString());
        pb.environment().put("HOME", tmp.toString());
        Process demo = pb.start();
        try {
            Cluster.await(java.time.Duration.ofSeconds(90), "the demo to serve", () -> Files.readString(tmp.resolve("demo.log")).contains("Serving until Ctrl-C"));
            String log = Files.readString(tmp.resolve("demo.log"));
            assertThat(log).doesNotContain("ERROR");
            List<String> examples = log.lines().dropWhile(l -> !l.equals("Try:")).skip(1).takeWhile(l -> l.startsWith("  "))
                    .map(String::trim).toList();
            assertThat(examples).hasSizeGreaterThanOrEqualTo(5).allMatch(l -> l.startsWith(Path.of("bin").toAbsolutePath() + "/hakuriver.client "));
            for (String example : examples) {
                Cluster.Result r = run(tmp, List.of("sh", "-c", example));
                assertThat(r.exit()).as(example + "\n" + r).isZero();
                assertThat(r.err()).as(example).doesNotContain("Error");
                if (example.contains("--wait -- echo hello")) assertThat(r.out()).contains("completed on node1 (exit code 0)");
            }
            demo.destroy(); // SIGTERM, as systemctl stop; Ctrl-C (SIGINT) takes the same path
            assertThat(demo.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(demo.exitValue()).as(Files.readString(tmp.resolve("demo.log"))).isZero();
            assertThat(Files.readString(tmp.resolve("demo.log"))).contains("Killing the demo's 1 unfinished task", "HakuRiver demo stopped.");
            // the `sleep 60` example is gone with it
            Thread.sleep(500);
            assertThat(tasksOf(tmp.resolve("d/shared"))).as("task processes of the demo still running").isEmpty();
        } finally {
            demo.destroyForcibly();
        }
    }

    /** Live processes whose environment says they are tasks of the cluster with this shared dir. */
    private static List<Long> tasksOf(Path shared) throws Exception {
        String marker = "HAKURIVER_SHARED_DIR=" + shared + "\0";
        List<Long> pids = new java.util.ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                if (!p.getFileName().toString().chars().allMatch(Character::isDigit)) continue;
                try {
                    if (new String(Files.readAllBytes(p.resolve("environ")), java.nio.charset.StandardCharsets.ISO_8859_1).contains(marker)) {
                        pids.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (java.io.IOException gone) { /* exited meanwhile */ }
            }
        }
        return pids;
    }

    @Test void launchersWorkThroughSymlinks() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("bin"));
        Files.createSymbolicLink(home.resolve("hakuriver.client"), Path.of(bin("hakuriver.client")));
        Files.createSymbolicLink(home.resolve("hakuriver"), Path.of(bin("hakuriver")));
        Cluster.Result v = run(tmp, List.of(home.resolve("hakuriver.client").toString(), "--version"));
        assertThat(v.exit()).as(v.toString()).isZero();
        assertThat(v.out()).contains("HakuRiver (JVM)");
        Cluster.Result u = run(tmp, List.of(home.resolve("hakuriver").toString(), "--version"));
        assertThat(u.exit()).as(u.toString()).isZero();
    }

    @Test void aDashDashWithoutCommandIsAUsageError() throws Exception {
        Cluster.Result r = run(tmp, List.of(bin("hakuriver.client"), "--"));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("no command after '--'");
        Cluster.Result help = run(tmp, List.of(bin("hakuriver.client")));
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Usage:");
    }

    @Test void completionScriptIsValidBash() throws Exception {
        Cluster.Result r = run(tmp, List.of(bin("hakuriver"), "completion"));
        assertThat(r.exit()).isZero();
        Path script = Files.writeString(tmp.resolve("c.sh"), r.out());
        Cluster.Result check = run(tmp, List.of("bash", "-c", "source " + script + " && COMP_WORDS=(hakuriver.client --list-n) COMP_CWORD=1"
                + " COMP_LINE='hakuriver.client --list-n' && _complete_hakuriver.client 2>/dev/null; echo \"${COMPREPLY[@]}\""));
        assertThat(check.out().trim()).isEqualTo("--list-nodes");
    }

    @Test void launchersRunTheirSubCommand() throws Exception {
        Cluster.Result v = run(tmp, List.of(bin("hakuriver.client"), "--version"));
        assertThat(v.exit()).as(v.toString()).isZero();
        assertThat(v.out()).contains("HakuRiver (JVM)");
        Cluster.Result help = run(tmp, List.of(bin("hakurun"), "--help"));
        assertThat(help.exit()).isZero();
        assertThat(help.out() + help.err()).contains("span:");
        Cluster.Result usage = run(tmp, List.of(bin("hakuriver.client"), "--cores", "many", "--", "true"));
        assertThat(usage.exit()).isEqualTo(2);
        Cluster.Result noHost = run(tmp, List.of(bin("hakuriver.client"), "--list-nodes"));
        assertThat(noHost.exit()).isEqualTo(1);
        assertThat(noHost.err()).contains("cannot connect to the Host at http://127.0.0.1:8000");
        Cluster.Result badCfg = run(tmp, List.of(bin("hakuriver.host"), "--config", "missing.toml"));
        assertThat(badCfg.exit()).isEqualTo(2);
        assertThat(badCfg.err()).contains("Configuration file not found: " + tmp.resolve("missing.toml"));
    }
}
