package io.hakuriver.runner;

import io.hakuriver.runner.exec.AssignedGpu;
import io.hakuriver.runner.exec.GpuEnvironment;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GpuEnvironmentTest {
    @Test void bareTasksSeeTheirGpusByUuidAndTasksWithoutGpusSeeNone() {
        var two = GpuEnvironment.bare(List.of(new AssignedGpu(1, "GPU-b", 1), new AssignedGpu(2, "", 2)));
        assertThat(two).containsEntry("CUDA_VISIBLE_DEVICES", "GPU-b,2").containsEntry("NVIDIA_VISIBLE_DEVICES", "GPU-b,2")
                .containsEntry("CUDA_DEVICE_ORDER", "PCI_BUS_ID").containsEntry("HAKURIVER_GPUS", "1,2");
        var none = GpuEnvironment.bare(List.of());
        assertThat(none).containsEntry("CUDA_VISIBLE_DEVICES", "").containsEntry("NVIDIA_VISIBLE_DEVICES", "").doesNotContainKey("HAKURIVER_GPUS");
    }
}
