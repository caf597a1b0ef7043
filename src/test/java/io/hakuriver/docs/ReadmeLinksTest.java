package io.hakuriver.docs;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The assembled README (scripts/build-readme.sh) links only to files that exist. */
class ReadmeLinksTest {
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");

    @Test void relativeLinksOfTheReadmeResolve() throws Exception {
        List<String> broken = new ArrayList<>();
        Matcher m = LINK.matcher(Files.readString(Path.of("README.md")));
        while (m.find()) {
            String target = m.group(1);
            if (target.matches("^[a-z]+:.*")) continue; // http:, mailto:
            if (!Files.exists(Path.of(target))) broken.add(target);
        }
        assertThat(broken).as("links in README.md to missing files").isEmpty();
    }
}
