package io.hakuriver.runner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class NodeFactsTest {
    @Test void parsesNumactlOutputWithBinaryUnits() {
        String out = """
            available: 2 nodes (0-1)
            node 0 cpus: 0 1 2 3 16 17 18 19
            node 0 size: 64000 MB
            node 0 free: 1000 MB
            node 1 cpus: 4 5 6 7
            node 1 size: 62 GB
            node distances:
            """;
        var topo = NodeFacts.parseNumactl(out);
        assertThat(topo).containsOnlyKeys("0", "1");
        assertThat(topo.get("0").cores()).containsExactly(0, 1, 2, 3, 16, 17, 18, 19);
        assertThat(topo.get("0").memoryBytes()).isEqualTo(64000L * 1024 * 1024);
        assertThat(topo.get("1").memoryBytes()).isEqualTo(62L * 1024 * 1024 * 1024);
        assertThat(NodeFacts.parseNumactl("No NUMA available on this system")).isNull();
    }

    @Test void readsSysfsLayout(@TempDir Path sys) throws Exception {
        Files.createDirectories(sys.resolve("node0"));
        Files.createDirectories(sys.resolve("node1"));
        Files.writeString(sys.resolve("node0/cpulist"), "0-3,8\n");
        Files.writeString(sys.resolve("node0/meminfo"), "Node 0 MemTotal:       16384 kB\nNode 0 MemFree: 1 kB\n");
        Files.writeString(sys.resolve("node1/cpulist"), "4-7\n");
        var topo = NodeFacts.fromSysfs(sys);
        assertThat(topo.get("0").cores()).containsExactly(0, 1, 2, 3, 8);
        assertThat(topo.get("0").memoryBytes()).isEqualTo(16384L * 1024);
        assertThat(topo.get("1").memoryBytes()).isNull();
    }

    @Test void machineFactsAreSane() {
        NodeFacts f = new NodeFacts();
        assertThat(f.totalCores()).isPositive();
        assertThat(f.totalRamBytes()).isGreaterThan(f.usedRamBytes()).isPositive();
        f.cpuPercent();
        assertThat(f.cpuPercent()).isBetween(0.0, 100.0);
    }
}
