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
        int port = Cluster.freePort();
        Cluster.Result r = run(tmp, List.of(bin("hakuriver"), "demo", "--exit", "--data", tmp.resolve("d").toString(), "--port", String.valueOf(port)));
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("completed (exit code 0)").contains("Hello from HakuRiver task")
                .contains("http://127.0.0.1:" + port + "/").contains("--list-nodes");
        assertThat(tmp.resolve("d/cluster.db")).exists();
        assertThat(tmp.resolve("d/demo.toml")).exists();
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
