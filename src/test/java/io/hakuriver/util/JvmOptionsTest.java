package io.hakuriver.util;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** bin/jvm.options is the one source of the daemons' flags: the launcher reads it, the units get it from the jar. */
class JvmOptionsTest {
    @Test void thePackedCopyIsTheLaunchersFile() throws Exception {
        JvmOptions fromJar = JvmOptions.load();
        JvmOptions fromBin = JvmOptions.parse(Files.readString(Path.of("bin/jvm.options")));
        assertThat(fromJar.daemonFlags("host")).isEqualTo(fromBin.daemonFlags("host"));
        assertThat(fromJar.daemonFlags("runner")).isEqualTo(fromBin.daemonFlags("runner"));
        assertThat(Files.readString(Path.of("bin/hakuriver"))).contains("jvm.options", "$(opt daemon)", "$(opt host)", "$(opt runner)");
    }

    @Test void daemonsExitOnOutOfMemoryWithTheirHeaps() {
        JvmOptions o = JvmOptions.load();
        assertThat(o.daemonFlags("host")).contains("-XX:+ExitOnOutOfMemoryError", "-Xmx96m", "-XX:+UseSerialGC").doesNotContain("-Xmx64m");
        assertThat(o.daemonFlags("runner")).contains("-XX:+ExitOnOutOfMemoryError", "-Xmx64m");
        assertThat(o.environment()).containsEntry("MALLOC_ARENA_MAX", "1");
    }

    @Test void parsingTakesTheFirstValueAndSkipsComments() {
        JvmOptions o = JvmOptions.parse("# c\ncommon=-Xa  -Xb\nhost=-Xmx1m\nhost=-Xmx2m\n\n");
        assertThat(o.daemonFlags("host")).containsExactly("-Xa", "-Xb", "-Xmx1m");
    }
}
