package io.lws4j.internal.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServiceLoopTest {

    private final ServiceLoop loop = ServiceLoop.create("test-loop");

    @AfterEach
    void stop() throws InterruptedException {
        loop.stop();
        assertThat(loop.join(Duration.ofSeconds(5))).isTrue();
    }

    @Test
    void commandsFromManyThreadsAllRunOnTheServiceThreadInPerThreadOrder() throws Exception {
        loop.start();
        int threads = 4;
        int perThread = 20_000;
        List<List<Integer>> seen = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            seen.add(new ArrayList<>());
        }
        AtomicBoolean offThread = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(threads * perThread);
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            producers.add(new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    int value = i;
                    assertThat(loop.execute(() -> {
                        if (!loop.inServiceThread()) {
                            offThread.set(true);
                        }
                        seen.get(id).add(value); // confined to the loop thread
                        done.countDown();
                    })).isTrue();
                }
            }));
        }
        producers.forEach(Thread::start);
        for (Thread p : producers) {
            p.join();
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        CountDownLatch read = new CountDownLatch(1);
        loop.execute(read::countDown); // makes the lists' contents visible here
        assertThat(read.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(offThread).isFalse();
        for (List<Integer> list : seen) {
            assertThat(list).hasSize(perThread).isSorted();
        }
    }

    @Test
    void scheduledActionsRunAfterTheirDelayAndCancelledOnesNever() throws Exception {
        loop.start();
        List<String> fired = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch late = new CountDownLatch(1);
        long start = System.nanoTime();
        loop.schedule(Duration.ofMillis(150), () -> {
            fired.add("late");
            late.countDown();
        });
        loop.schedule(Duration.ofMillis(20), () -> fired.add("early"));
        Timer cancelled = loop.schedule(Duration.ofMillis(50), () -> fired.add("cancelled"));
        assertThat(cancelled.cancel()).isTrue();
        assertThat(late.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(150));
        assertThat(fired).containsExactly("early", "late");
    }

    @Test
    void aThrowingCommandDoesNotKillTheLoop() throws Exception {
        loop.start();
        loop.execute(() -> {
            throw new IllegalStateException("boom (expected by the test)");
        });
        CountDownLatch after = new CountDownLatch(1);
        loop.execute(after::countDown);
        assertThat(after.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void executeAfterStopReturnsFalseAndAcceptedCommandsStillRun() throws Exception {
        loop.start();
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        Thread producer = new Thread(() -> {
            for (int i = 0; i < 100_000; i++) {
                if (loop.execute(ran::incrementAndGet)) {
                    accepted.incrementAndGet();
                }
            }
        });
        producer.start();
        Thread.sleep(5);
        loop.stop();
        producer.join();
        assertThat(loop.join(Duration.ofSeconds(5))).isTrue();
        assertThat(ran.get()).isEqualTo(accepted.get());
        assertThat(loop.execute(() -> { })).isFalse();
    }

    @Test
    void watchdogSeesABlockingCommandAndForgetsItAfterReset() throws Exception {
        loop.start();
        CountDownLatch done = new CountDownLatch(1);
        loop.execute(() -> {
            try {
                Thread.sleep(2000); // deliberately blocks the loop: the watchdog must notice
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            done.countDown();
        });
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(loop.maxWorkNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(2000));
        // reset forgets finished cycles only: wait until the sleeping cycle has ended
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (loop.currentWorkNanos() != 0) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(1);
        }
        loop.resetMaxWorkNanos();
        CountDownLatch quick = new CountDownLatch(1);
        loop.execute(quick::countDown);
        assertThat(quick.await(5, TimeUnit.SECONDS)).isTrue();
        // the 2 s cycle is forgotten; a quick one is far shorter even on a loaded machine
        assertThat(loop.maxWorkNanos()).isLessThan(TimeUnit.MILLISECONDS.toNanos(2000));
    }

    @Test
    void afterIoTaskQueuedByAnAfterIoTaskRunsInTheSameCycleButOnlyOneLevelDeep() throws Exception {
        loop.start();
        long[] seen = new long[4]; // cycleCount() at: command, 1st, 2nd, 3rd after-I/O task
        CountDownLatch done = new CountDownLatch(1);
        // Models flush -> onWritable -> write -> flush: the nested flush must not wait for
        // the next cycle; a third level must (step 5 is bounded).
        loop.execute(() -> {
            seen[0] = loop.cycleCount();
            loop.runAfterIo(() -> {
                seen[1] = loop.cycleCount();
                loop.runAfterIo(() -> {
                    seen[2] = loop.cycleCount();
                    loop.runAfterIo(() -> {
                        seen[3] = loop.cycleCount();
                        done.countDown();
                    });
                });
            });
        });
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue(); // also publishes seen[]
        assertThat(seen[1]).isEqualTo(seen[0]);
        assertThat(seen[2]).isEqualTo(seen[1]);
        assertThat(seen[3]).isEqualTo(seen[2] + 1);
    }
}
