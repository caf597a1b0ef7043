package io.hakuriver.runner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Device minor numbers of NVIDIA GPUs by UUID, from the driver's {@code /proc/driver/nvidia/gpus/<pci>/information}
 * ("GPU UUID:" and "Device Minor:" lines): {@code /dev/nvidia<minor>} is what a systemd DeviceAllow= rule must name,
 * and it need not equal nvidia-smi's index. Empty when the driver is not loaded (then the index is used).
 */
final class NvidiaDevices {
    private NvidiaDevices() {}

    static Map<String, Integer> minorsByUuid(Path base) {
        Map<String, Integer> out = new HashMap<>();
        if (!Files.isDirectory(base)) return out;
        try (var dirs = Files.list(base)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                Path info = d.resolve("information");
                if (!Files.isReadable(info)) continue;
                String uuid = null;
                Integer minor = null;
                for (String line : Files.readAllLines(info)) {
                    int colon = line.indexOf(':');
                    if (colon < 0) continue;
                    String k = line.substring(0, colon).trim(), v = line.substring(colon + 1).trim();
                    if (k.equals("GPU UUID")) uuid = v;
                    else if (k.equals("Device Minor")) {
                        try { minor = Integer.parseInt(v); } catch (NumberFormatException ignored) { }
                    }
                }
                if (uuid != null && minor != null) out.put(uuid, minor);
            }
        } catch (Exception e) {
            return out;
        }
        return out;
    }
}
