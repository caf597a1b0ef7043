package io.hakuriver.runner;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Admission to the start queue: by count and by request bytes, a big start alone always fits, room comes back. */
class StartQueueTest {
    @Test void admitsUpToItsBoundsAndAgainOnceStartsAreDone() throws Exception {
        StartQueue q = new StartQueue(1, 3, 1000);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        Runnable blocked = () -> {
            try { release.await(10, TimeUnit.SECONDS); } catch (InterruptedException e) { throw new IllegalStateException(e); }
            ran.incrementAndGet();
        };
        assertThat(q.offer(5000, blocked)).as("a start larger than the byte bound fits into an empty queue").isTrue();
        assertThat(q.offer(10, blocked)).as("but nothing joins it beyond the byte bound").isFalse();
        release.countDown();
        awaitRan(ran, 1);
        awaitEmpty(q);

        CountDownLatch hold = new CountDownLatch(1);
        Runnable held = () -> {
            try { hold.await(10, TimeUnit.SECONDS); } catch (InterruptedException e) { throw new IllegalStateException(e); }
            ran.incrementAndGet();
        };
        assertThat(q.offer(100, held)).isTrue();
        assertThat(q.offer(100, held)).isTrue();
        assertThat(q.offer(100, held)).isTrue();
        assertThat(q.hasRoom(1)).isFalse();
        assertThat(q.offer(1, held)).as("count bound").isFalse();
        hold.countDown();
        awaitRan(ran, 4);
        awaitEmpty(q);
        assertThat(q.offer(1, ran::incrementAndGet)).as("room again").isTrue();
        awaitRan(ran, 5);

        q.close();
        assertThat(q.offer(1, ran::incrementAndGet)).as("closed").isFalse();
    }

    private static void awaitRan(AtomicInteger ran, int n) throws InterruptedException {
        for (int i = 0; i < 200 && ran.get() < n; i++) Thread.sleep(25);
        assertThat(ran.get()).isEqualTo(n);
    }

    /** release() runs right after the start itself; with a byte bound of 1000, room for 1000 means empty. */
    private static void awaitEmpty(StartQueue q) throws InterruptedException {
        for (int i = 0; i < 200 && !q.hasRoom(1000); i++) Thread.sleep(25);
        assertThat(q.hasRoom(1000)).isTrue();
    }
}
