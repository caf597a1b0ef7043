package io.hakuriver.runner;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The Runner's side of when_room starts: what it starts when, in which order, and what holds them back. */
class WhenRoomTest {
    private final List<Long> started = new ArrayList<>();

    private static WhenRoom.Start start(long id, int cores, long memory) { return new WhenRoom.Start(id, cores, memory, 100, () -> { }); }

    private void startWhatFits(WhenRoom w) { w.startWhatFits(s -> started.add(s.taskId())); }

    @Test void waitingStartsTakeFreedRoomInOrderWithoutOvertaking() {
        WhenRoom w = new WhenRoom(2, 1000);
        w.admit(start(1, 1, 0));
        w.admit(start(2, 1, 0));
        w.add(start(3, 2, 0));
        w.add(start(4, 1, 0)); // would fit after one end, but 3 came first
        startWhatFits(w);
        assertThat(started).isEmpty();
        assertThat(w.release(1)).isTrue();
        startWhatFits(w);
        assertThat(started).as("3 needs both cores; 4 does not overtake it").isEmpty();
        assertThat(w.release(2)).isTrue();
        startWhatFits(w);
        assertThat(started).containsExactly(3L);
        assertThat(w.release(3)).isTrue();
        startWhatFits(w);
        assertThat(started).containsExactly(3L, 4L);
        assertThat(w.release(3)).as("released once").isFalse();
        assertThat(w.waitingCount()).isZero();
    }

    @Test void memoryCountsTooAndAZeroCoreTaskNeedsOnlyItsMemory() {
        WhenRoom w = new WhenRoom(2, 1000);
        w.admit(start(1, 0, 800));
        w.add(start(2, 0, 300));
        startWhatFits(w);
        assertThat(started).isEmpty();
        w.release(1);
        startWhatFits(w);
        assertThat(started).containsExactly(2L);
    }

    @Test void aReattachedTaskOfUnknownSizeHoldsBackEveryWaitingStartUntilItEnds() {
        WhenRoom w = new WhenRoom(8, 0);
        w.admitUnknown(7);
        w.add(start(8, 1, 0));
        startWhatFits(w);
        assertThat(started).isEmpty();
        assertThat(w.release(7)).isTrue();
        startWhatFits(w);
        assertThat(started).containsExactly(8L);
    }

    @Test void aRefusingStartQueueKeepsTheStartWaitingAndUncountedAndAKilledOneLeaves() {
        WhenRoom w = new WhenRoom(1, 0);
        w.add(start(1, 1, 0));
        w.add(start(2, 1, 0));
        w.startWhatFits(s -> false);
        assertThat(w.waitingCount()).isEqualTo(2);
        assertThat(w.release(1)).as("not counted while it waits").isFalse();
        assertThat(w.remove(1)).isTrue();
        assertThat(w.remove(1)).isFalse();
        startWhatFits(w);
        assertThat(started).containsExactly(2L);
    }

    @Test void atMostSoManyWait() {
        WhenRoom w = new WhenRoom(1, 0);
        w.admit(start(0, 1, 0));
        for (int i = 1; i <= WhenRoom.MAX_WAITING; i++) { assertThat(w.hasRoom()).isTrue(); w.add(start(i, 1, 0)); }
        assertThat(w.hasRoom()).isFalse();
    }
}
