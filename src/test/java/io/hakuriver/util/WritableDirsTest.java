package io.hakuriver.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WritableDirsTest {
    @TempDir Path dir;

    @Test void writableDirectoriesPassAndMissingOnesAreCreated() {
        assertThat(WritableDirs.problem("x.service", List.of(dir, dir.resolve("a/b")))).isEmpty();
        assertThat(dir.resolve("a/b")).isDirectory();
    }

    @Test void aDirectoryThatCannotBeWrittenIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        assertThat(WritableDirs.problem("hakuriver-host.service", List.of(file.resolve("db"))))
                .hasValueSatisfying(m -> assertThat(m).startsWith("cannot write to " + file.resolve("db")));
    }

    @Test void aReadOnlyFileSystemNamesTheReadWritePathsLine() {
        // EROFS itself is what systemd's ProtectSystem=strict gives (no read-only mount to try here as root)
        assertThat(WritableDirs.message("hakuriver-runner1.service", Path.of("/srv/temp"), "Read-only file system"))
                .isEqualTo("cannot write to /srv/temp: Read-only file system. Under systemd hardening (ProtectSystem=strict /"
                        + " ProtectHome=read-only) add to the [Service] section of hakuriver-runner1.service (sudo systemctl edit"
                        + " hakuriver-runner1.service):  ReadWritePaths=/srv/temp   ('hakuriver.init service --harden' writes it for you).");
    }
}
