package io.hakuriver.runner.exec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

class ProgramLookupTest {
    @TempDir Path tmp;

    private Path program(Path dir, String name, String mode) throws Exception {
        Files.createDirectories(dir);
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        return p;
    }

    @Test void aBareNameIsLookedUpInPathInOrderAndOnlyExecutableFilesCount() throws Exception {
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        program(a, "tool", "rw-r--r--");
        Path real = program(b, "tool", "rwxr-xr-x");
        assertThat(ProgramLookup.resolve("tool", a + ":" + b, tmp)).contains(real.toString());
        assertThat(ProgramLookup.resolve("tool", a.toString(), tmp)).as("only a non-executable match: exec says 126")
                .contains(a.resolve("tool").toString());
    }

    @Test void shellBuiltinsWithoutAProgramOfThatNameAreNotFound() {
        for (String builtin : new String[]{"eval", "exit", "cd", "exec", "set", "trap"}) {
            assertThat(ProgramLookup.resolve(builtin, tmp.toString(), tmp)).as(builtin).isEmpty();
        }
    }

    @Test void aDirectoryOfTheSameNameIsNotAProgram() throws Exception {
        Files.createDirectories(tmp.resolve("bin/tool"));
        assertThat(ProgramLookup.resolve("tool", tmp.resolve("bin").toString(), tmp)).isEmpty();
    }

    @Test void aNameWithASlashIsTakenAsIsAndEmptyOrRelativePathEntriesMeanTheWorkDir() throws Exception {
        Path work = tmp.resolve("work");
        Path local = program(work, "run.sh", "rwxr-xr-x");
        assertThat(ProgramLookup.resolve("./run.sh", "/usr/bin", work)).contains(work.resolve("./run.sh").toString());
        assertThat(ProgramLookup.resolve("/no/such/thing", "/usr/bin", work)).contains("/no/such/thing");
        assertThat(ProgramLookup.resolve("run.sh", "/nonexistent::/also-not", work)).contains(local.toString());
        assertThat(ProgramLookup.resolve("run.sh", "/nonexistent:.", work)).contains(local.toString());
    }

    @Test void emptyOrNulNamesAreNotFound() {
        assertThat(ProgramLookup.resolve("", "/usr/bin", tmp)).isEmpty();
        assertThat(ProgramLookup.resolve("sh\0x", "/usr/bin:/bin", tmp)).isEmpty();
    }
}
