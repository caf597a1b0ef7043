package io.hakuriver.systemd;

import io.hakuriver.testsupport.FakeNvidiaSmi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * GPU isolation of systemd-scope tasks under a real systemd: a Host and a Runner in the systemd container, the fake
 * nvidia-smi reporting two GPUs, and device nodes /dev/nvidia0, /dev/nvidia1, /dev/nvidiactl made with their real
 * numbers (major 195). The container may open them (device cgroup rule), so what a task may open is decided by
 * its scope's own rules: an allowed GPU answers "No such device or address" (no driver here), a denied one
 * "Operation not permitted".
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GpuScopeIT {
    static final Pattern TASK_ID = Pattern.compile("task (\\d+)");
    @TempDir static Path tmp;
    SystemdContainer ct;

    @BeforeAll
    void boot() throws Exception {
        ct = new SystemdContainer("gpu", List.of("--device-cgroup-rule=c 195:* rwm"));
        FakeNvidiaSmi smi = FakeNvidiaSmi.withGpus(tmp.resolve("smi"), "sd", 2);
        ct.sh("mkdir -p /opt/fake").ok();
        ct.copyIn(smi.executable, "/opt/fake/nvidia-smi");
        ct.copyIn(smi.dir.resolve("gpus.csv"), "/opt/fake/gpus.csv");
        ct.sh(ct.hakuriver("init config --path /etc/hakuriver/config.toml")).ok();
        ct.sh("""
                set -e
                chmod 755 /opt/fake/nvidia-smi
                mknod -m 666 /dev/nvidia0 c 195 0; mknod -m 666 /dev/nvidia1 c 195 1; mknod -m 666 /dev/nvidiactl c 195 255
                f=/etc/hakuriver/config.toml
                sed -i 's#^shared_dir = .*#shared_dir = "/srv/hakuriver/shared"#; s#^local_temp_dir = .*#local_temp_dir = "/srv/hakuriver/temp"#' $f
                sed -i 's#^db_file = .*#db_file = "/srv/hakuriver/db/cluster.db"#; s#^runner_user = .*#runner_user = "haku"#' $f
                sed -i 's#^heartbeat_interval = .*#heartbeat_interval = 1#; s#^nvidia_smi = .*#nvidia_smi = "/opt/fake/nvidia-smi"#' $f
                mkdir -p /srv/hakuriver/shared /srv/hakuriver/temp /srv/hakuriver/db
                """).ok();
        ct.sh("systemd-run --unit=hk-host " + ct.hakuriver("host --config /etc/hakuriver/config.toml")
                + " && systemd-run --unit=hk-runner " + ct.hakuriver("runner --config /etc/hakuriver/config.toml")).ok();
        await().atMost(Duration.ofSeconds(180)).untilAsserted(() ->
                assertThat(ct.client("--list-nodes").out()).containsPattern("sdnode\\s+online").contains("Fake GPU 1"));
    }

    @AfterAll
    void cleanup() throws Exception { if (ct != null) ct.close(); }

    String submit(String args) throws Exception {
        SystemdContainer.Result r = ct.client(args).ok();
        Matcher m = TASK_ID.matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        return m.group(1);
    }

    String show(String unit, String property) throws Exception {
        return ct.sh("systemctl show -p " + property + " --value " + unit).out().trim();
    }

    @Test
    void aGpuTaskMayOpenOnlyItsOwnGpuAndATaskWithoutGpusGetsNoDeviceRulesButSeesNoGpu() throws Exception {
        String probe = "'echo cvd=[$CUDA_VISIBLE_DEVICES] hg=[$HAKURIVER_GPUS]; for d in 0 1; do head -c1 /dev/nvidia$d; done; sleep 60'";
        String gpu = submit("--target sdnode::1 --container NULL -- sh -c " + probe);
        String unit = "hakuriver-task-" + gpu + ".scope";
        await().atMost(Duration.ofSeconds(120)).until(() -> show(unit, "ActiveState").equals("active"));
        assertThat(show(unit, "DevicePolicy")).isEqualTo("closed");
        String allow = show(unit, "DeviceAllow");
        assertThat(allow).contains("/dev/nvidia1 rw", "/dev/nvidiactl rw").doesNotContain("/dev/nvidia0 ");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(ct.sh("cat /srv/hakuriver/shared/task_errors/" + gpu + ".err").out()).contains("nvidia1"));
        assertThat(ct.sh("cat /srv/hakuriver/shared/task_outputs/" + gpu + ".out").out()).isEqualTo("cvd=[GPU-fake-sd-1] hg=[1]\n");
        String err = ct.sh("cat /srv/hakuriver/shared/task_errors/" + gpu + ".err").out();
        assertThat(err).contains("/dev/nvidia0' for reading: Operation not permitted", "/dev/nvidia1' for reading: No such device or address");

        String plain = submit("--target sdnode --container NULL -- sh -c " + probe);
        String plainUnit = "hakuriver-task-" + plain + ".scope";
        await().atMost(Duration.ofSeconds(120)).until(() -> show(plainUnit, "ActiveState").equals("active"));
        assertThat(show(plainUnit, "DevicePolicy")).isEqualTo("auto");
        assertThat(show(plainUnit, "DeviceAllow")).isEmpty();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(ct.sh("cat /srv/hakuriver/shared/task_outputs/" + plain + ".out").out()).isEqualTo("cvd=[] hg=[]\n"));
        ct.client("--kill " + gpu).ok();
        ct.client("--kill " + plain).ok();
    }
}
