package io.hakuriver.docker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TarballStoreTest {
    @TempDir Path dir;

    @Test
    void writesAtomicallyWithDigestAndRemovesOlderVersionsAfterwards() throws Exception {
        TarballStore s = new TarballStore(dir);
        TarballStore.Version v1 = s.write("env", 1000, out -> out.write("one".getBytes()));
        assertThat(v1.tarball()).isEqualTo("env-1000.tar");
        assertThat(v1.digest()).contains(sha("one"));
        assertThat(Files.readString(v1.digestFile())).isEqualTo(sha("one") + "  env-1000.tar\n");

        // While the second version is being written, the first is still complete and listed; no partial file is listed.
        TarballStore.Version v2 = s.write("env", 1000, out -> {
            out.write("two".getBytes());
            assertThat(Files.exists(v1.file())).isTrue();
            assertThat(s.versions("env")).extracting(TarballStore.Version::tarball).containsExactly("env-1000.tar");
            assertThat(s.newestComplete("env", Duration.ZERO)).map(TarballStore.Version::tarball).contains("env-1000.tar");
        });
        assertThat(v2.timestamp()).isEqualTo(1001); // same second: a distinct, newer name
        assertThat(Files.exists(v1.file())).isFalse();
        assertThat(Files.exists(v1.digestFile())).isFalse();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("env-1001.tar", "env-1001.tar.sha256");
        }
    }

    @Test
    void aFailedWriteLeavesThePreviousVersionAndNoDebris() throws Exception {
        TarballStore s = new TarballStore(dir);
        s.write("env", 1000, out -> out.write("one".getBytes()));
        assertThatThrownBy(() -> s.write("env", 2000, out -> { out.write("half".getBytes()); throw new IOException("disk full"); }))
                .hasMessage("disk full");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("env-1000.tar", "env-1000.tar.sha256");
        }
    }

    @Test
    void listsLikeTheOriginalAndSkipsLegacyFilesStillBeingWritten() throws Exception {
        Files.writeString(dir.resolve("a-b-20.tar"), "x");
        Files.writeString(dir.resolve("a-b-10.tar"), "x");
        Files.writeString(dir.resolve("other-5.tar"), "x");
        Files.writeString(dir.resolve("noversion.tar"), "x");
        Files.writeString(dir.resolve(".a-b-30.tar.partial"), "x");
        TarballStore s = new TarballStore(dir);
        assertThat(s.list().keySet()).containsExactly("a-b", "other");
        assertThat(s.versions("a-b")).extracting(TarballStore.Version::timestamp).containsExactly(20L, 10L);
        // a-b-20.tar was just modified and has no digest: a legacy Host may still be writing it
        Files.setLastModifiedTime(dir.resolve("a-b-10.tar"), FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        assertThat(s.newestComplete("a-b", Duration.ofSeconds(30))).map(TarballStore.Version::timestamp).contains(10L);
        Files.setLastModifiedTime(dir.resolve("a-b-20.tar"), FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        assertThat(s.newestComplete("a-b", Duration.ofSeconds(30))).map(TarballStore.Version::timestamp).contains(20L);
        assertThat(s.newestComplete("none", Duration.ZERO)).isEmpty();
    }

    @Test
    void rejectsInvalidEnvironmentNames() {
        assertThatThrownBy(() -> new TarballStore(dir).write("../x", 1, out -> { })).isInstanceOf(IllegalArgumentException.class);
    }

    static String sha(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
