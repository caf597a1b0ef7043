package io.hakuriver.runner.exec;

/**
 * A GPU the Host reserved for a task, as the Runner found it: nvidia-smi's {@code index}, its {@code uuid} ("" when
 * the driver gave none) and the minor number of its device node {@code /dev/nvidia<minor>} (what a cgroup device
 * rule names; usually but not necessarily the index).
 */
public record AssignedGpu(int index, String uuid, int minor) {
    public String devicePath() { return "/dev/nvidia" + minor; }

    /** How CUDA, the NVIDIA container runtime and Docker are told about it: the UUID, stable whatever the order. */
    public String visibleId() { return uuid == null || uuid.isEmpty() ? Integer.toString(index) : uuid; }
}
