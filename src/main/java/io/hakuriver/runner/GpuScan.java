package io.hakuriver.runner;

import io.hakuriver.api.GpuInfo;

import java.util.List;

/** One look at a node's GPUs: the devices found, and why there are none (null when the tool answered). */
public record GpuScan(List<GpuInfo> gpus, String error) {
    public GpuScan { gpus = List.copyOf(gpus); }

    public static GpuScan failed(String reason) { return new GpuScan(List.of(), reason); }

    public GpuInfo byIndex(int id) {
        for (GpuInfo g : gpus) if (g.gpuId() == id) return g;
        return null;
    }
}
