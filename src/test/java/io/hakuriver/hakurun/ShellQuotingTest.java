package io.hakuriver.hakurun;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ShellQuotingTest {

    @Test void safeWordsStayBareOthersAreSingleQuoted() {
        assertThat(ShellQuoting.quote("a-b_c.d/e:f=1,2@%+")).isEqualTo("a-b_c.d/e:f=1,2@%+");
        assertThat(ShellQuoting.quote("")).isEqualTo("''");
        assertThat(ShellQuoting.quote("a b")).isEqualTo("'a b'");
        assertThat(ShellQuoting.quote("it's")).isEqualTo("'it'\"'\"'s'");
        assertThat(ShellQuoting.quote("$HOME")).isEqualTo("'$HOME'");
    }

    /** The dry-run output is meant for `| bash`: bash must rebuild exactly the same argv from it. */
    @Test void bashRebuildsTheSameArgv() throws Exception {
        List<String> argv = List.of("printf", "<%s>\\n", "plain", "two words", "it's", "$(touch /tmp/x)", "*", "", "back\\slash",
                "new\nline", "span:{1..2}", "ü");
        Process p = new ProcessBuilder("bash", "-c", ShellQuoting.join(argv)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        StringBuilder expected = new StringBuilder();
        for (String a : argv.subList(2, argv.size())) expected.append('<').append(a).append(">\n");
        assertThat(out).isEqualTo(expected.toString());
    }
}
