package io.hakuriver.docker;

import io.hakuriver.config.HakuConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MountPolicyTest {
    static HakuConfig.Docker cfg(boolean dangerous, List<String> prefixes) {
        return new HakuConfig.Docker("hakuriver-containers", "hakuriver-base", "img", false, List.of(), false, prefixes, dangerous);
    }

    @Test
    void normalisesValidMounts() {
        assertThat(MountPolicy.validate(List.of("/data/a:/data", "/data/./b/:/b:ro", "/x:/y:rw"), cfg(false, List.of())))
                .containsExactly("/data/a:/data", "/data/b:/b:ro", "/x:/y");
        assertThat(MountPolicy.validate(null, cfg(false, List.of()))).isEmpty();
    }

    @Test
    void refusesRootAndTheDockerSocketUnlessAllowed() {
        for (String m : List.of("/:/host", "/var/run/docker.sock:/s", "/run:/r", "/var/run:/r", "/var:/v", "//:/host")) {
            assertThatThrownBy(() -> MountPolicy.validate(List.of(m), cfg(false, List.of())))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allow_dangerous_mounts");
        }
        assertThat(MountPolicy.validate(List.of("/:/host"), cfg(true, List.of()))).containsExactly("/:/host");
    }

    @Test
    void refusesMalformedEntries() {
        for (String m : List.of("relative:/x", "/x:relative", "/x", "/a:/b:rx", "/a/../etc:/b", "/a,b:/c", "/a:/shared", "/a:/", "/a:/b:ro:x")) {
            assertThatThrownBy(() -> MountPolicy.validate(List.of(m), cfg(false, List.of())))
                    .as(m).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + m + "'");
        }
    }

    @Test
    void enforcesAllowedPrefixesByPathComponent() {
        HakuConfig.Docker c = cfg(false, List.of("/data"));
        assertThat(MountPolicy.validate(List.of("/data/x:/x"), c)).containsExactly("/data/x:/x");
        assertThatThrownBy(() -> MountPolicy.validate(List.of("/database:/x"), c)).hasMessageContaining("allowed_mount_prefixes");
    }

    @Test
    void onTheNodeSymlinksAreResolvedBeforeChecking(@TempDir Path dir) throws Exception {
        Path link = dir.resolve("innocent");
        Files.createSymbolicLink(link, Path.of("/"));
        assertThat(MountPolicy.validate(List.of(link + ":/x"), cfg(false, List.of()))).hasSize(1);
        assertThatThrownBy(() -> MountPolicy.validateOnNode(List.of(link + ":/x"), cfg(false, List.of())))
                .hasMessageContaining("resolves to /");
    }
}
