package io.hakuriver.runner.exec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The variables that confine a task to its GPUs. They are set after the task's own variables, so a task cannot
 * widen them. Devices are named by UUID ({@link AssignedGpu#visibleId}): CUDA numbers GPUs fastest-first unless
 * told otherwise, so an index could name another GPU than the one reserved; a UUID cannot. A task without GPUs
 * gets empty values: CUDA then sees no device.
 */
public final class GpuEnvironment {
    /** The Docker equivalent of "no GPU" for the NVIDIA runtime ("" would mean: as runc, i.e. the image's own value). */
    static final String NO_CONTAINER_GPU = "void";

    private GpuEnvironment() {}

    public static String ids(List<AssignedGpu> gpus) {
        return gpus.stream().map(AssignedGpu::visibleId).collect(Collectors.joining(","));
    }

    /** nvidia-smi's indexes of the task's GPUs ("0,1"), for the task's own information (HAKURIVER_GPUS). */
    public static String indexes(List<AssignedGpu> gpus) {
        return gpus.stream().map(g -> Integer.toString(g.index())).collect(Collectors.joining(","));
    }

    /** For a task on the node itself (plain process, systemd scope). */
    public static Map<String, String> bare(List<AssignedGpu> gpus) {
        Map<String, String> env = new LinkedHashMap<>();
        String ids = ids(gpus);
        env.put("CUDA_VISIBLE_DEVICES", ids);
        env.put("NVIDIA_VISIBLE_DEVICES", ids);
        env.put("CUDA_DEVICE_ORDER", "PCI_BUS_ID"); // index arithmetic inside the task then matches nvidia-smi
        if (!gpus.isEmpty()) env.put("HAKURIVER_GPUS", indexes(gpus));
        return env;
    }

    /**
     * For a container: the runtime exposes exactly the requested devices (DeviceRequests), renumbered from 0 inside,
     * so CUDA_VISIBLE_DEVICES is not set for GPU tasks (a user's value is removed: it would name host indexes).
     * NVIDIA_VISIBLE_DEVICES repeats the device ids, because with the NVIDIA runtime as the engine's default an
     * image's own NVIDIA_VISIBLE_DEVICES=all would otherwise expose every GPU; "void" for tasks without GPUs.
     */
    public static void applyToContainer(Map<String, String> env, List<AssignedGpu> gpus) {
        if (gpus.isEmpty()) {
            env.remove("HAKURIVER_GPUS");
            env.put("NVIDIA_VISIBLE_DEVICES", NO_CONTAINER_GPU);
            env.put("CUDA_VISIBLE_DEVICES", "");
        } else {
            env.put("NVIDIA_VISIBLE_DEVICES", ids(gpus));
            env.remove("CUDA_VISIBLE_DEVICES");
            env.put("HAKURIVER_GPUS", indexes(gpus));
        }
    }
}
