package io.hakuriver.runner;

import io.hakuriver.api.GpuInfo;
import io.hakuriver.testsupport.FakeNvidiaSmi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Discovery through a real child process (the fake nvidia-smi, which refuses any other query than the exact one). */
class NvidiaSmiTest {
    @TempDir Path tmp;

    private GpuScan scan(FakeNvidiaSmi f) { return new NvidiaSmi(f.executable.toString(), Duration.ofSeconds(10)).scan(); }

    @Test void readsEveryFieldOfTheExactQuery() throws Exception {
        GpuScan s = scan(FakeNvidiaSmi.withLines(tmp.resolve("a"),
                "0, GPU-1a2b, NVIDIA A100-SXM4-80GB, 81920, 1024, 37, 45, 71.52\n1, GPU-3c4d, NVIDIA A100-SXM4-80GB, 81920, 0, 0, 33, 55.10\n"));
        assertThat(s.error()).isNull();
        assertThat(s.gpus()).hasSize(2);
        GpuInfo g = s.gpus().get(0);
        assertThat(g).isEqualTo(new GpuInfo(0, "GPU-1a2b", "NVIDIA A100-SXM4-80GB", 81920, 1024, 80896, 37, 45, 71520));
        assertThat(s.byIndex(1).uuid()).isEqualTo("GPU-3c4d");
    }

    @Test void notAvailableAndNotSupportedFieldsAreUnknownNotFatal() throws Exception {
        GpuScan s = scan(FakeNvidiaSmi.withLines(tmp.resolve("b"),
                "0, [N/A], GeForce GTX 1080, 8192, [N/A], [Not Supported], 61, [N/A]\n"));
        assertThat(s.error()).isNull();
        GpuInfo g = s.gpus().get(0);
        assertThat(g.uuid()).isEmpty();
        assertThat(g.memoryTotalMib()).isEqualTo(8192);
        assertThat(g.memoryUsedMib()).isEqualTo(GpuInfo.UNKNOWN);
        assertThat(g.memoryFreeMib()).isEqualTo(GpuInfo.UNKNOWN);
        assertThat(g.gpuUtilization()).isEqualTo(GpuInfo.UNKNOWN);
        assertThat(g.temperature()).isEqualTo(61);
        assertThat(g.powerUsageMw()).isEqualTo(GpuInfo.UNKNOWN);
    }

    @Test void aNameWithCommasKeepsThem() {
        GpuScan s = NvidiaSmi.parse("3, GPU-x, Tesla K80, rev 2, 11441, 5, 1, 30, 25.0\n");
        assertThat(s.gpus().get(0).name()).isEqualTo("Tesla K80, rev 2");
        assertThat(s.gpus().get(0).gpuId()).isEqualTo(3);
    }

    @Test void aFailingDriverIsZeroGpusWithItsOwnWordsAsTheReason() throws Exception {
        GpuScan s = scan(FakeNvidiaSmi.withGpus(tmp.resolve("c"), "c", 2).fail());
        assertThat(s.gpus()).isEmpty();
        assertThat(s.error()).contains("exit code 9", "couldn't communicate with the NVIDIA driver").doesNotContain("\n");
    }

    @Test void aMissingToolIsZeroGpusAndSaysWhatToDo() {
        GpuScan s = new NvidiaSmi(tmp.resolve("nope/nvidia-smi").toString(), Duration.ofSeconds(5)).scan();
        assertThat(s.gpus()).isEmpty();
        assertThat(s.error()).contains("not found", "[gpu] nvidia_smi");
        assertThat(new NvidiaSmi("", Duration.ofSeconds(5)).scan().error()).contains("off");
    }

    @Test void aHungToolIsCutOffAtTheTimeout() throws Exception {
        long t0 = System.nanoTime();
        GpuScan s = new NvidiaSmi(FakeNvidiaSmi.withGpus(tmp.resolve("d"), "d", 1).slow(30).executable.toString(), Duration.ofSeconds(1)).scan();
        assertThat(s.error()).contains("did not answer within 1 s");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
    }

    @Test void outputThatIsNotTheQueryIsAReasonAndOutputIsBounded() throws Exception {
        assertThat(NvidiaSmi.parse("No devices were found\n").error()).contains("No devices were found");
        assertThat(NvidiaSmi.parse("").gpus()).isEmpty();
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 5000; i++) big.append(i % 1000).append(", GPU-").append(i).append(", X, 1, 1, 1, 1, 1\n");
        GpuScan s = scan(FakeNvidiaSmi.withLines(tmp.resolve("e"), big.toString()));
        assertThat(s.gpus().size()).isLessThan(5000); // read stops at 64 KiB
    }

    @Test void theMonitorResolvesReservedIdsToDevicesAndRefusesOthers() throws Exception {
        Path proc = Files.createDirectories(tmp.resolve("proc/0000:3b:00.0"));
        Files.writeString(proc.resolve("information"), "Model: \t\t NVIDIA A100\nGPU UUID: \t GPU-1a2b\nDevice Minor: \t 4\n");
        GpuMonitor m = new GpuMonitor(() -> NvidiaSmi.parse("0, GPU-1a2b, A100, 1, 1, 1, 1, 1\n1, GPU-3c4d, A100, 1, 1, 1, 1, 1\n"), tmp.resolve("proc"));
        m.scanNow();
        assertThat(m.resolve(List.of(0, 1))).extracting(a -> a.devicePath() + " " + a.visibleId())
                .containsExactly("/dev/nvidia4 GPU-1a2b", "/dev/nvidia1 GPU-3c4d"); // minor from the driver, else the index
        assertThat(m.resolve(null)).isEmpty();
        assertThatThrownBy(() -> m.resolve(List.of(7))).hasMessageContaining("GPU 7").hasMessageContaining("[0, 1]");
    }

    @Test void aFailedScanAfterAGoodOneStillResolvesTheGpusTheHostPlaced() {
        boolean[] fail = {false};
        GpuMonitor m = new GpuMonitor(() -> fail[0] ? GpuScan.failed("nvidia-smi failed with exit code 9")
                : NvidiaSmi.parse("0, GPU-1a2b, A100, 1, 1, 1, 1, 1\n"), tmp.resolve("none"));
        m.scanNow();
        fail[0] = true;
        m.scanNow();
        assertThat(m.latest().error()).contains("exit code 9");
        assertThat(m.resolve(List.of(0))).extracting(a -> a.visibleId()).containsExactly("GPU-1a2b");
        GpuMonitor never = new GpuMonitor(() -> GpuScan.failed("nvidia-smi not found"), tmp.resolve("none"));
        never.scanNow();
        assertThatThrownBy(() -> never.resolve(List.of(0))).hasMessageContaining("reports no GPUs (nvidia-smi not found)");
    }
}
