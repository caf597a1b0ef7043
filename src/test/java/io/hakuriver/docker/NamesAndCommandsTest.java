package io.hakuriver.docker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NamesAndCommandsTest {

    @ParameterizedTest
    @ValueSource(strings = {"hakuriver-base", "my.env_2", "a", "0env"})
    void acceptsEnvironmentNames(String n) {
        assertThat(EnvironmentNames.validate(n)).isEqualTo(n);
        assertThat(EnvironmentNames.imageTag(n)).isEqualTo("hakuriver/" + n + ":base");
        assertThat(EnvironmentNames.fromImage("hakuriver/" + n + ":base")).isEqualTo(n);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-rf", "Upper", "a/b", "a..b", "..", "a b", "name;rm", "_x", ".x"})
    void rejectsBadNames(String n) {
        assertThatThrownBy(() -> EnvironmentNames.validate(n)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
        assertThat(EnvironmentNames.fromImage("hakuriver/" + n + ":base")).isNull();
    }

    @Test
    void fromImageNeedsTheHakuriverPattern() {
        assertThat(EnvironmentNames.fromImage("python:3.12")).isNull();
        assertThat(EnvironmentNames.fromImage("hakuriver/env:latest")).isNull();
        assertThat(EnvironmentNames.fromImage("")).isNull();
    }

    @Test
    void plainCommandsKeepTheirArgvAndShellSyntaxRunsInsideTheContainer() {
        assertThat(ContainerCommand.argv("echo", List.of("a b", "$HOME"))).containsExactly("echo", "a b", "$HOME");
        assertThat(ContainerCommand.argv("echo $(id); touch /x", List.of("it's"))).containsExactly(
                "/bin/sh", "-c", "echo $(id); touch /x 'it'\"'\"'s'");
        assertThat(ContainerCommand.argv("python train.py", List.of("--lr", "0.01"))).containsExactly(
                "/bin/sh", "-c", "python train.py --lr 0.01");
        assertThat(ContainerCommand.quote("")).isEqualTo("''");
        assertThat(ContainerCommand.quote("a;b")).isEqualTo("'a;b'");
        assertThatThrownBy(() -> ContainerCommand.argv(" ", List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void utf8DecoderJoinsCharactersSplitAcrossChunks() {
        byte[] b = "añ€😀".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Utf8StreamDecoder d = new Utf8StreamDecoder();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < b.length; i++) sb.append(d.decode(b, i, 1)); // one byte at a time
        sb.append(d.finish());
        assertThat(sb.toString()).isEqualTo("añ€😀");
        Utf8StreamDecoder bad = new Utf8StreamDecoder();
        assertThat(bad.decode(new byte[]{'x', (byte) 0xff, 'y'}, 0, 3) + bad.finish()).isEqualTo("x\uFFFDy");
    }

    @Test
    void logDemuxSplitsStdoutAndStderrFrames() throws Exception {
        java.io.ByteArrayOutputStream in = new java.io.ByteArrayOutputStream();
        frame(in, 1, "out1\n"); frame(in, 2, "err1\n"); frame(in, 1, "out2\n");
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream(), e = new java.io.ByteArrayOutputStream();
        long n = LogDemux.copy(new java.io.ByteArrayInputStream(in.toByteArray()), o, e);
        assertThat(o.toString()).isEqualTo("out1\nout2\n");
        assertThat(e.toString()).isEqualTo("err1\n");
        assertThat(n).isEqualTo(15);
    }

    private static void frame(java.io.ByteArrayOutputStream out, int stream, String s) {
        byte[] p = s.getBytes();
        out.write(stream); out.write(0); out.write(0); out.write(0);
        out.write(p.length >>> 24); out.write(p.length >>> 16); out.write(p.length >>> 8); out.write(p.length);
        out.writeBytes(p);
    }
}
