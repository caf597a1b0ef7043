package io.hakuriver.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SecretFilesTest {
    @TempDir Path tmp;

    private HakuConfig load(Path file) { return new ConfigLoader(tmp, Map.of(), w -> { }).load(file); }

    private Path write(String name, String text, String mode) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        return p;
    }

    @Test void aReadableConfigHoldingATokenIsNamedWithTheFix() throws Exception {
        Path cfg = write("c.toml", "[security]\ntoken = \"s3cret\"\n", "rw-r--r--");
        assertThat(SecretFiles.problems(load(cfg))).singleElement().asString()
                .contains(cfg.toString()).contains("readable by other accounts").contains("chmod 600 " + cfg);
        Files.setPosixFilePermissions(cfg, PosixFilePermissions.fromString("rw-------"));
        assertThat(SecretFiles.problems(load(cfg))).isEmpty();
    }

    @Test void aReadableConfigWithoutATokenIsFineButAReadableTokenFileIsNot() throws Exception {
        Path token = write("token", "s3cret\n", "rw-r-----");
        Path cfg = write("c.toml", "[security]\ntoken = \"\"\ntoken_file = \"" + token + "\"\n", "rw-r--r--");
        assertThat(SecretFiles.problems(load(cfg))).singleElement().asString().contains("token_file " + token);
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        assertThat(SecretFiles.problems(load(cfg))).isEmpty();
    }
}
