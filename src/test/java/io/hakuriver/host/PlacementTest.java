package io.hakuriver.host;

import io.hakuriver.api.NumaNode;
import io.hakuriver.store.NodeRecord;
import io.hakuriver.store.TaskRecord;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PlacementTest {
    static NodeRecord node(String name, int cores, long mem) {
        NodeRecord n = new NodeRecord();
        n.hostname = name; n.totalCores = cores; n.memoryTotalBytes = mem; n.status = "online"; n.url = "http://" + name;
        n.numaTopology = Map.of("0", new NumaNode(List.of(0, 1), mem / 2), "1", new NumaNode(List.of(2, 3), mem / 2));
        return n;
    }

    static TaskRecord task(int cores, long mem) { TaskRecord t = new TaskRecord(); t.requiredCores = cores; t.requiredMemoryBytes = mem; return t; }

    @Test void neverFitsExplainsTooLargeRequests() {
        NodeRecord n = node("a", 4, 1000);
        assertThat(Placement.neverFits(n, 5, 0, null)).contains("Requested 5 cores but node has only 4");
        assertThat(Placement.neverFits(n, 1, 2000, null)).contains("memory");
        assertThat(Placement.neverFits(n, 3, 0, 1)).contains("NUMA node 1 has only 2");
        assertThat(Placement.neverFits(n, 4, 1000, null)).isNull();
    }

    @Test void fitsNowCountsReservationsOfCoresMemoryAndNuma() {
        NodeRecord n = node("a", 4, 1000);
        NodeUsage u = new NodeUsage();
        u.add(3, 600, 0, +1);
        assertThat(Placement.fitsNow(n, u, 1, 0, null)).isTrue();
        assertThat(Placement.fitsNow(n, u, 2, 0, null)).isFalse();
        assertThat(Placement.fitsNow(n, u, 1, 500, null)).isFalse();   // memory full
        assertThat(Placement.fitsNow(n, u, 1, 0, 0)).isFalse();        // NUMA 0 already has 3 cores reserved of 2
        assertThat(Placement.fitsNow(n, u, 0, 0, null)).isTrue();      // 0 cores = no reservation
        u.add(3, 600, 0, -1);
        assertThat(Placement.fitsNow(n, u, 4, 1000, null)).isTrue();
        n.status = "offline";
        assertThat(Placement.fitsNow(n, u, 1, 0, null)).isFalse();
    }

    @Test void bestFitPicksTheTightestNodeThatFits() {
        NodeRecord big = node("big", 32, 1L << 40), small = node("small", 4, 1L << 40), full = node("full", 8, 1L << 40);
        Map<String, NodeUsage> usage = new HashMap<>();
        usage.put("big", new NodeUsage()); usage.put("small", new NodeUsage()); usage.put("full", new NodeUsage());
        usage.get("full").add(8, 0, null, +1);
        assertThat(Placement.bestFit(List.of(big, small, full), usage::get, task(2, 0), 16, java.time.Instant.now()).hostname).isEqualTo("small");
        assertThat(Placement.bestFit(List.of(big, small, full), usage::get, task(6, 0), 16, java.time.Instant.now()).hostname).isEqualTo("big");
        assertThat(Placement.bestFit(List.of(small, full), usage::get, task(6, 0), 16, java.time.Instant.now())).isNull();
    }
}
