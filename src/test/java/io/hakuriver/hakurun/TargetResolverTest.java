package io.hakuriver.hakurun;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pure resolution logic: a temporary PATH directory and a fake module lookup stand in for the machine. */
class TargetResolverTest {
    @TempDir Path cwd;
    @TempDir Path bin;
    private final List<String> modulesAsked = new ArrayList<>();
    private final PythonModules fakeModules = (python, module, dir) -> {
        modulesAsked.add(module);
        return module.startsWith("present") ? PythonModules.Lookup.FOUND : PythonModules.Lookup.NOT_FOUND;
    };

    @BeforeEach void pythonOnPath() throws IOException {
        executable(bin.resolve("python3"));
    }

    private static void executable(Path file) throws IOException {
        Files.writeString(file, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private TargetResolver resolver(String path) { return new TargetResolver(cwd, path, fakeModules); }

    @Test void executableOnPathWinsOverAModuleOfTheSameName() throws IOException {
        executable(bin.resolve("present_tool"));
        assertThat(resolver(bin.toString()).resolve("present_tool")).isEqualTo(new Target.Executable("present_tool"));
        assertThat(modulesAsked).as("no Python lookup for an executable").isEmpty();
    }

    @Test void relativePathIsAnExecutableCheckedUpFront() throws IOException {
        executable(cwd.resolve("run.sh"));
        assertThat(resolver(bin.toString()).resolve("./run.sh")).isEqualTo(new Target.Executable("./run.sh"));

        Files.writeString(cwd.resolve("plain.sh"), "echo hi\n");
        assertThatThrownBy(() -> resolver(bin.toString()).resolve("./plain.sh"))
                .hasMessageContaining("'./plain.sh' is not executable").hasMessageContaining("hakurun bash ./plain.sh");
        assertThatThrownBy(() -> resolver(bin.toString()).resolve("./missing.sh"))
                .hasMessageContaining("'./missing.sh' does not exist").hasMessageContaining(cwd.resolve("missing.sh").toString());
        Files.createDirectory(cwd.resolve("dir"));
        assertThatThrownBy(() -> resolver(bin.toString()).resolve("./dir")).hasMessageContaining("is a directory");
    }

    @Test void moduleFunctionTarget() {
        Target t = resolver(bin.toString()).resolve("present.pkg:main");
        assertThat(t).isEqualTo(new Target.PythonFunction("present.pkg:main", "python3", "present.pkg", "main"));
        assertThat(modulesAsked).containsExactly("present.pkg");
    }

    @Test void moduleTargetRunsWithDashM() {
        Target t = resolver(bin.toString()).resolve("present_mod");
        assertThat(t.argv(new Combination(1, List.of(SpanValue.ofInt(3), SpanValue.literal("x")))))
                .containsExactly("python3", "-m", "present_mod", "3", "x");
    }

    @Test void unknownNamesAreErrorsThatNameTheTarget() {
        assertThatThrownBy(() -> resolver(bin.toString()).resolve("absent_thing"))
                .isInstanceOf(HakurunInputException.class)
                .hasMessage("'absent_thing' is neither an executable on PATH nor a Python module importable from " + cwd + ".");
        assertThatThrownBy(() -> resolver(bin.toString()).resolve("absent:main"))
                .hasMessageContaining("Python module 'absent' of target 'absent:main' cannot be imported");
        assertThatThrownBy(() -> resolver(bin.toString()).resolve("not-a-module"))
                .hasMessageContaining("'not-a-module' was not found on PATH");
        assertThatThrownBy(() -> resolver(bin.toString()).resolve(" ")).hasMessageContaining("must not be empty");
    }

    @Test void missingPythonGivesAClearMessage() throws IOException {
        Path empty = Files.createDirectory(cwd.resolve("emptybin"));
        assertThatThrownBy(() -> resolver(empty.toString()).resolve("present:main"))
                .hasMessage("'present:main' is a Python function target (module:function), but python3 was not found on PATH."
                        + " Install Python 3, or run an executable target instead.");
        assertThatThrownBy(() -> resolver(empty.toString()).resolve("present"))
                .hasMessageContaining("python3 is not installed");
        assertThat(modulesAsked).isEmpty();
    }

    @Test void emptyPathEntryMeansTheCurrentDirectory() throws IOException {
        executable(cwd.resolve("localtool"));
        assertThat(resolver(bin + ":").resolve("localtool")).isEqualTo(new Target.Executable("localtool"));
        assertThatThrownBy(() -> resolver(bin.toString()).resolve("localtool")).hasMessageContaining("localtool");
    }

    @Test void functionTargetPassesTypesAndValuesAsArgvOnly() {
        Target t = new Target.PythonFunction("m:f", "python3", "m", "f");
        Combination c = new Combination(1, List.of(SpanValue.ofInt(-2), SpanValue.literal("it's")));
        List<String> argv = t.argv(c);
        assertThat(argv.subList(0, 2)).containsExactly("python3", "-c");
        assertThat(argv.subList(3, argv.size())).containsExactly("m:f", "m", "f", "is", "-2", "it's");
        assertThat(argv.get(2)).doesNotContain("it's");
        assertThat(t.describe(c)).isEqualTo("m:f(-2, 'it\\'s')");
    }
}
