package io.lws4j.internal.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A loop back from select waits for the borrower of its role: the borrower gives the role
 * back at its next served command instead of draining the whole queue (other workers'
 * notifications, which keep coming under load), and the loop runs the rest in its cycle.
 * The wait is then one command long, and {@link ServiceLoop#reclaimWaits()} records it.
 */
class ServiceLoopReclaimTest {
    private static final long BOUND_SECONDS = 10;
    private final ServiceLoop loop = ServiceLoop.create("reclaim-loop");

    @AfterEach
    void stop() throws InterruptedException {
        loop.stop();
        assertThat(loop.join(Duration.ofSeconds(BOUND_SECONDS))).isTrue();
    }

    @Test
    void aBorrowerStopsAtItsNextCommandOnceTheLoopWaits_andTheLoopRunsTheRest()
            throws Exception {
        loop.start();
        Thread loopThread = threadOf(loop);
        awaitIdle(loop);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> laterRanOn = new CopyOnWriteArrayList<>();
        Thread borrower = new Thread(() -> loop.executeOrServe(() -> {
            holding.countDown();
            awaitQuietly(release); // holds the lent role
        }), "borrower");
        borrower.start();
        assertThat(holding.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(loop.isLoopThread()).isFalse();
        // Queued while the role is lent: left to the holder (executeOrServe returns at once).
        for (int i = 0; i < 5; i++) {
            assertThat(loop.executeOrServe(() -> laterRanOn.add(Thread.currentThread())))
                    .isTrue();
        }
        // Wake the loop: back from select, it parks in reclaim() until the borrower is done.
        assertThat(loop.execute(() -> { })).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
        while (!(LockSupport.getBlocker(loopThread) instanceof ServiceRole)) {
            assertThat(System.nanoTime()).as("the loop never waited for its role")
                    .isLessThan(deadline);
            Thread.sleep(1);
        }
        release.countDown();
        borrower.join(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
        while (laterRanOn.size() < 5) {
            assertThat(System.nanoTime()).as("the queued commands never ran").isLessThan(until);
            Thread.sleep(1);
        }
        assertThat(laterRanOn).as("threads that ran the commands queued during the loan")
                .containsOnly(loopThread);
        assertThat(loop.reclaimWaits().count()).as("reclaims that waited").isEqualTo(1);
        assertThat(loop.reclaimWaits().max()).isPositive();
    }

    private static void awaitIdle(ServiceLoop l) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
        long cycles;
        do {
            assertThat(System.nanoTime()).as("the loop never went idle").isLessThan(deadline);
            cycles = l.cycleCount();
            Thread.sleep(2);
        } while (l.currentWorkNanos() != 0 || l.cycleCount() != cycles);
    }

    private static Thread threadOf(ServiceLoop l) throws InterruptedException {
        AtomicReference<Thread> thread = new AtomicReference<>();
        CountDownLatch ran = new CountDownLatch(1);
        assertThat(l.execute(() -> {
            thread.set(Thread.currentThread());
            ran.countDown();
        })).isTrue();
        assertThat(ran.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
        return thread.get();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(BOUND_SECONDS, TimeUnit.SECONDS); // the bound keeps a failure from hanging
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
