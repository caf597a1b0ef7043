package io.hakuriver.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    @TempDir Path tmp;
    final List<String> warnings = new ArrayList<>();

    private ConfigLoader loader(Map<String, String> env) { return new ConfigLoader(tmp, env, warnings::add); }

    @Test void defaultsAreTheOriginals() {
        HakuConfig c = loader(Map.of()).load(null);
        assertThat(c.network().hostPort()).isEqualTo(8000);
        assertThat(c.network().runnerPort()).isEqualTo(8001);
        assertThat(c.network().hostReachableAddress()).isEqualTo("127.0.0.1");
        assertThat(c.paths().sharedDir()).isEqualTo("test/shared");
        assertThat(c.database().dbFile()).isEqualTo("test/cluster_management.db");
        assertThat(c.timing().heartbeatInterval()).isEqualTo(5);
        assertThat(c.heartbeatTimeoutMillis()).isEqualTo(30_000);
        assertThat(c.docker().defaultContainerName()).isEqualTo("hakuriver-base");
        assertThat(c.docker().additionalMounts()).isEmpty();
        assertThat(c.sources()).isEmpty();
    }

    @Test void layersMergeKeyByKey() throws Exception {
        Files.createDirectories(tmp.resolve(".hakuriver"));
        Files.writeString(tmp.resolve(".hakuriver/config.toml"), "[network]\nhost_port = 9000\nrunner_port = 9001\n");
        Path envFile = tmp.resolve("env.toml");
        Files.writeString(envFile, "[network]\nrunner_port = 9100\n[paths]\nshared_dir = \"/mnt/shared\"\n");
        Path explicit = tmp.resolve("explicit.toml");
        Files.writeString(explicit, "[paths]\nshared_dir = \"/data/shared\"\n");
        HakuConfig c = loader(Map.of("HAKURIVER_CONFIG", envFile.toString())).load(explicit);
        assertThat(c.network().hostPort()).isEqualTo(9000);        // from ~/.hakuriver
        assertThat(c.network().runnerPort()).isEqualTo(9100);      // $HAKURIVER_CONFIG beats the user file
        assertThat(c.paths().sharedDir()).isEqualTo("/data/shared"); // --config beats both
        assertThat(c.timing().heartbeatInterval()).isEqualTo(5);   // untouched keys keep their defaults
        assertThat(c.sources()).hasSize(3);
        assertThat(c.hostUrl()).isEqualTo("http://127.0.0.1:9000");
    }

    @Test void missingExplicitFileNamesThePath() {
        Path missing = tmp.resolve("nope/runner1.toml");
        assertThatThrownBy(() -> loader(Map.of()).load(missing))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Configuration file not found: " + missing.toAbsolutePath())
                .hasMessageContaining("hakuriver.init config");
    }

    @Test void missingEnvFileIsNamedToo() {
        assertThatThrownBy(() -> loader(Map.of("HAKURIVER_CONFIG", "/no/such.toml")).load(null))
                .hasMessageContaining("/no/such.toml").hasMessageContaining("HAKURIVER_CONFIG");
    }

    @Test void wrongTypesFailWithFileKeyAndExpectedType() throws Exception {
        Path f = tmp.resolve("bad.toml");
        Files.writeString(f, "[network]\nhost_port = \"eight thousand\"\n");
        assertThatThrownBy(() -> loader(Map.of()).load(f))
                .hasMessageContaining(f.toString()).hasMessageContaining("network.host_port")
                .hasMessageContaining("must be an integer").hasMessageContaining("eight thousand");
        Files.writeString(f, "[docker]\nadditional_mounts = \"/a:/b\"\n");
        assertThatThrownBy(() -> loader(Map.of()).load(f)).hasMessageContaining("an array of strings");
        Files.writeString(f, "[network]\nhost_port = 70000\n");
        assertThatThrownBy(() -> loader(Map.of()).load(f)).hasMessageContaining("port number");
    }

    @Test void unknownKeysWarnButLoad() throws Exception {
        Path f = tmp.resolve("x.toml");
        Files.writeString(f, "[network]\nhost_prot = 1\n[mystery]\na = 1\n");
        HakuConfig c = loader(Map.of()).load(f);
        assertThat(c.network().hostPort()).isEqualTo(8000);
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("network.host_prot"))
                .anySatisfy(w -> assertThat(w).contains("mystery.a"));
    }

    @Test void invalidTomlIsReportedWithThePath() throws Exception {
        Path f = tmp.resolve("broken.toml");
        Files.writeString(f, "[network\nhost_port = 1\n");
        assertThatThrownBy(() -> loader(Map.of()).load(f)).hasMessageContaining("Invalid TOML in " + f);
    }

    @Test void unreadableFileSaysSo() throws Exception {
        Path dir = tmp.resolve("adir.toml");
        Files.createDirectories(dir);
        assertThatThrownBy(() -> loader(Map.of()).load(dir)).hasMessageContaining("Cannot read configuration file " + dir);
    }

    @Test void tokenComesFromEnvironmentOrFile() throws Exception {
        Path f = tmp.resolve("t.toml");
        Files.writeString(f, "[security]\ntoken = \"from-file\"\n");
        assertThat(loader(Map.of()).load(f).resolvedToken()).isEqualTo("from-file");
        assertThat(loader(Map.of("HAKURIVER_TOKEN", "from-env")).load(f).resolvedToken()).isEqualTo("from-env");
        Path secret = tmp.resolve("secret");
        Files.writeString(secret, "\n  tok-in-file  \n");
        Files.writeString(f, "[security]\ntoken_file = \"" + secret + "\"\n");
        assertThat(loader(Map.of()).load(f).resolvedToken()).isEqualTo("tok-in-file");
    }

    @Test void theGeneratedDefaultFileParsesToTheDefaults() {
        HakuConfig fromFile = loader(Map.of()).loadText(DefaultConfigFile.render(), tmp.resolve("default.toml"));
        HakuConfig builtIn = loader(Map.of()).load(null);
        assertThat(fromFile.network()).isEqualTo(builtIn.network());
        assertThat(fromFile.docker()).isEqualTo(builtIn.docker());
        assertThat(fromFile.timing()).isEqualTo(builtIn.timing());
        assertThat(warnings).isEmpty();
    }

    @Test
    void defaultRunnerNameIsUniquePerPort() throws Exception {
        // the guide's runner1.toml / runner2.toml: same machine, ports 8001 and 8002, no [runner] name
        String host = io.hakuriver.util.HostInfo.hostname();
        assertThat(loader(Map.of()).loadText("[network]\nrunner_port = 8001\n", tmp.resolve("r1.toml")).runnerName()).isEqualTo(host);
        assertThat(loader(Map.of()).loadText("[network]\nrunner_port = 8002\n", tmp.resolve("r2.toml")).runnerName()).isEqualTo(host + "-8002");
        assertThat(loader(Map.of()).loadText("[network]\nrunner_port = 8002\n[runner]\nname = \"gpu1\"\n", tmp.resolve("r3.toml")).runnerName())
                .isEqualTo("gpu1");
    }

    @Test
    void defaultContainerNullMeansNoContainer() throws Exception {
        assertThat(loader(Map.of()).loadText("[docker]\ndefault_container_name = \"NULL\"\n", tmp.resolve("d.toml")).docker().defaultContainerName()).isNull();
        assertThat(loader(Map.of()).load(null).docker().defaultContainerName()).isEqualTo("hakuriver-base");
    }
}
