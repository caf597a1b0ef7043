package io.hakuriver.systemd;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class ScopeCommandsTest {
    final ScopeCommands root = new ScopeCommands(false, "/usr/bin/systemd-run", "/usr/bin/systemctl");
    final ScopeCommands sudo = new ScopeCommands(true, "/usr/bin/systemd-run", "/usr/bin/systemctl");

    ScopeCommands.Launch launch(List<String> argv) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/bin:/bin");
        env.put("HAKURIVER_TASK_ID", "77");
        env.put("SPACEY", "a b; $(rm -rf /)");
        return new ScopeCommands.Launch(77, 2, 64L << 20, env, 1500, 1500, Path.of("/state/77.exit"), argv);
    }

    @Test
    void launchPassesTaskInputAsSeparateArgvEntriesOnly() {
        List<String> argv = root.launch(launch(List.of("echo", "$(id)", "a b")));
        assertThat(argv).startsWith("/usr/bin/systemd-run", "--scope", "--collect", "--quiet", "--unit=hakuriver-task-77",
                "--description=HakuRiver Task 77", "--property=CPUQuota=200%", "--property=MemoryMax=67108864", "--property=MemorySwapMax=0");
        assertThat(argv).contains("--setenv=SPACEY=a b; $(rm -rf /)", "--setenv=HAKURIVER_TASK_ID=77");
        int dash = argv.indexOf("--");
        assertThat(argv.subList(dash, argv.size())).containsExactly("--", "setpriv", "--reuid=1500", "--regid=1500", "--init-groups",
                "--", "/bin/sh", "-c", ScopeCommands.WRAPPER, "/state/77.exit", "echo", "$(id)", "a b");
        assertThat(ScopeCommands.WRAPPER).doesNotContain("77", "echo $(id)"); // constant text
    }

    @Test
    void gpuTasksGetAClosedDevicePolicyWithTheirGpusAndTheControlDevicesOnly() {
        var l = new ScopeCommands.Launch(8, 0, null, Map.of(), 0, 0, Path.of("/s/8.exit"), List.of("true"), List.of("/dev/nvidia2", "/dev/nvidia5"));
        List<String> argv = root.launch(l);
        List<String> before = argv.subList(0, argv.indexOf("--"));
        assertThat(before).containsSubsequence("--property=DevicePolicy=closed", "--property=DeviceAllow=/dev/nvidia2 rw",
                "--property=DeviceAllow=/dev/nvidia5 rw", "--property=DeviceAllow=/dev/nvidiactl rw", "--property=DeviceAllow=/dev/nvidia-uvm rw");
        assertThat(before).noneMatch(a -> a.contains("/dev/nvidia0") || a.contains("/dev/nvidia1 "));
        // the sudoers rule's trailing '*' covers the added properties
        assertThat(ScopeCommands.sudoersLines("haku").get(1)).contains("--description\\=HakuRiver Task *");
    }

    @Test
    void noLimitsWithoutRequestsAndSudoOnlyWhenNotRoot() {
        var l = new ScopeCommands.Launch(5, 0, null, Map.of(), 0, 0, Path.of("/s/5.exit"), List.of("true"));
        assertThat(root.launch(l)).noneMatch(a -> a.contains("CPUQuota") || a.contains("Memory") || a.contains("Device"));
        assertThat(sudo.launch(l)).startsWith("sudo", "-n", "/usr/bin/systemd-run");
        assertThat(sudo.signal(5, "SIGKILL")).containsExactly("sudo", "-n", "/usr/bin/systemctl", "kill", "--signal=SIGKILL", "hakuriver-task-5.scope");
        assertThat(sudo.show(5, "ActiveState")).startsWith("/usr/bin/systemctl"); // queries need no root
    }

    /** sudoers matching: the command path, then the arguments joined by spaces, glob-matched ('*' also matches spaces). */
    static boolean sudoersAllows(String rule, List<String> argv) {
        String spec = rule.substring(rule.indexOf("NOPASSWD: ") + "NOPASSWD: ".length());
        for (String cmd : spec.split("(?<!\\\\), ")) {
            String unescaped = cmd.replace("\\=", "=").replace("\\,", ",").replace("\\:", ":").replace("\\\\", "\\");
            String regex = Pattern.quote(unescaped).replace("*", "\\E.*\\Q");
            if (String.join(" ", argv).matches(regex)) return true;
        }
        return false;
    }

    @Test
    void sudoersLinesCoverExactlyThePrivilegedCommandsTheBackendRuns() {
        List<String> lines = ScopeCommands.sudoersLines("haku");
        assertThat(lines.get(0)).isEqualTo("Defaults:haku !use_pty");
        String rule = lines.get(1);
        assertThat(rule).startsWith("haku ALL=(root) NOPASSWD: ").contains("--unit\\=hakuriver-task-*");
        ScopeCommands plain = new ScopeCommands(false);
        List<List<String>> privileged = List.of(plain.launch(launch(List.of("python3", "train.py"))), plain.signal(9, "SIGKILL"),
                plain.signal(9, "SIGSTOP"), plain.signal(9, "SIGCONT"), plain.freeze(9), plain.thaw(9));
        for (List<String> argv : privileged) assertThat(sudoersAllows(rule, argv)).as(String.join(" ", argv)).isTrue();
        // and nothing beyond the task units
        assertThat(sudoersAllows(rule, List.of(ScopeCommands.locate("systemctl"), "kill", "--signal=SIGKILL", "sshd.service"))).isFalse();
        assertThat(sudoersAllows(rule, List.of(ScopeCommands.locate("systemctl"), "stop", "hakuriver-task-1.scope"))).isFalse();
        assertThat(sudoersAllows(rule, List.of(ScopeCommands.locate("systemd-run"), "--unit=evil", "sh"))).isFalse();
    }
}
