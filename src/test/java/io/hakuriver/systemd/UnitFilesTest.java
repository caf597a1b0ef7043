package io.hakuriver.systemd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UnitFilesTest {
    @TempDir Path dir;

    @Test void ourOwnUneditedOutputIsReplacedWithoutForce() throws Exception {
        Path f = dir.resolve("hakuriver-host.service");
        assertThat(UnitFiles.write(f, "[Unit]\nDescription=a\n", false).outcome()).isEqualTo(UnitFiles.Outcome.WROTE);
        assertThat(UnitFiles.write(f, "[Unit]\nDescription=a\n", false).outcome()).isEqualTo(UnitFiles.Outcome.UNCHANGED);
        assertThat(UnitFiles.write(f, "[Unit]\nDescription=b\n", false).outcome()).isEqualTo(UnitFiles.Outcome.REPLACED_OWN);
        assertThat(f).content().endsWith("Description=b\n").startsWith(UnitFiles.STAMP_PREFIX);
    }

    @Test void anEditedOrHandWrittenUnitNeedsForceAndKeepsABackup() throws Exception {
        Path f = dir.resolve("hakuriver-host.service");
        UnitFiles.write(f, "[Unit]\nDescription=a\n", false);
        Files.writeString(f, Files.readString(f) + "CPUQuota=50%\n"); // hand-tuned
        assertThatThrownBy(() -> UnitFiles.write(f, "[Unit]\nDescription=b\n", false))
                .isInstanceOf(UnitFiles.EditedFileException.class).hasMessageContaining("--force");
        assertThat(f).content().contains("CPUQuota=50%");

        UnitFiles.Written w = UnitFiles.write(f, "[Unit]\nDescription=b\n", true);
        assertThat(w.outcome()).isEqualTo(UnitFiles.Outcome.REPLACED_WITH_BACKUP);
        assertThat(w.backup()).content().contains("CPUQuota=50%");
        assertThat(w.backup().getFileName().toString()).startsWith("hakuriver-host.service.bak-");
        assertThat(UnitFiles.describe(w)).contains("kept as " + w.backup());

        Path hand = dir.resolve("hand.service");
        Files.writeString(hand, "[Service]\nExecStart=/bin/true\n");
        assertThat(UnitFiles.replaceableWithoutForce(Files.readString(hand), "x")).isFalse();
    }
}
