package io.hakuriver.host;

import io.hakuriver.api.TaskStatus;
import org.junit.jupiter.api.Test;

import static io.hakuriver.api.TaskStatus.*;
import static org.assertj.core.api.Assertions.assertThat;

class TaskTransitionsTest {
    @Test void finalStatesAreFrozen() {
        for (TaskStatus f : new TaskStatus[]{COMPLETED, FAILED, KILLED, KILLED_OOM}) {
            for (TaskStatus to : TaskStatus.values()) {
                if (to != f) assertThat(TaskTransitions.allowed(f, to)).as(f + " -> " + to).isFalse();
            }
        }
    }

    @Test void aLateCompletedNeverOverwritesKilled() {
        assertThat(TaskTransitions.allowed(KILLED, COMPLETED)).isFalse();
        assertThat(TaskTransitions.allowed(KILLED, FAILED)).isFalse();
    }

    @Test void lostMayBeCorrectedByTheRunner() {
        assertThat(TaskTransitions.allowed(LOST, COMPLETED)).isTrue();
        assertThat(TaskTransitions.allowed(LOST, RUNNING)).isTrue();
        assertThat(TaskTransitions.allowed(LOST, PENDING)).isFalse();
    }

    @Test void killWorksFromEveryUnfinishedState() {
        for (TaskStatus s : new TaskStatus[]{PENDING, ASSIGNING, RUNNING, PAUSED, LOST}) {
            assertThat(TaskTransitions.allowed(s, KILLED)).as(s.wire()).isTrue();
        }
    }

    @Test void queuedTasksCannotJumpToRunning() {
        assertThat(TaskTransitions.allowed(PENDING, RUNNING)).isFalse();
        assertThat(TaskTransitions.allowed(PENDING, ASSIGNING)).isTrue();
        assertThat(TaskTransitions.allowed(PENDING, COMPLETED)).as("outcome of a start whose answer was lost").isTrue();
        assertThat(TaskTransitions.allowed(ASSIGNING, PENDING)).as("runner could not take the start").isTrue();
    }
}
