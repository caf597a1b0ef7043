package io.hakuriver.runner;

import io.hakuriver.api.UpdateRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** The outbox keeps updates on disk until delivered, in order, across a restart of the outbox. */
class UpdateOutboxTest {
    @TempDir Path dir;

    @Test void updatesSurviveAnOutageAndARestartInOrder() throws Exception {
        AtomicBoolean hostUp = new AtomicBoolean(false);
        List<String> delivered = new CopyOnWriteArrayList<>();
        UpdateOutbox first = new UpdateOutbox(dir, u -> hostUp.get() && delivered.add(u.taskId() + ":" + u.status()));
        first.add(new UpdateRequest(1, "running", null, null, null, null));
        first.add(new UpdateRequest(1, "completed", 0, null, null, null));
        first.add(new UpdateRequest(2, "failed", 3, "boom", null, null));
        Thread.sleep(500);
        assertThat(delivered).isEmpty();
        assertThat(first.pendingTaskIds()).containsExactlyInAnyOrder(1L, 2L);
        first.close(); // the Runner process dies with undelivered updates

        hostUp.set(true);
        UpdateOutbox second = new UpdateOutbox(dir, u -> hostUp.get() && delivered.add(u.taskId() + ":" + u.status()));
        assertThat(second.drain(10_000)).isTrue();
        assertThat(delivered).containsExactly("1:running", "1:completed", "2:failed");
        assertThat(second.pendingTaskIds()).isEmpty();
        second.add(new UpdateRequest(3, "completed", 0, null, null, null));
        assertThat(second.drain(10_000)).isTrue();
        assertThat(delivered).endsWith("3:completed");
        second.close();
    }
}
