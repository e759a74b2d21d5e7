package io.lws4j.threadpool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Interleavings that the case tests hit only one way, repeated with random delays. Each test
 * asserts the invariants: cleanup exactly once per accepted task, at most one more call after
 * a stop, no SYNC output reported twice, the worker freed.
 */
class RaceTest extends PoolTestSupport {
    private static final int ROUNDS = 500;

    private static void jitter() {
        int spins = ThreadLocalRandom.current().nextInt(3000);
        for (int i = 0; i < spins; i++) {
            Thread.onSpinWait();
        }
        if (ThreadLocalRandom.current().nextInt(8) == 0) {
            Thread.yield();
        }
    }

    private static void assertEndedOnce(ThreadPool pool, List<Job> jobs) {
        for (Job j : jobs) {
            try {
                await(j.id + " cleaned", () -> j.cleanups.get() >= 1);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + " calls " + j.calls + "\n" + pool.dump(), e);
            }
        }
        await("workers free", () -> pool.diagnose().ongoing() == 0);
        for (Job j : jobs) {
            assertThat(j.cleanups.get()).as(j.id).isEqualTo(1);
        }
    }

    @Test
    void closeWhileSyncing() {
        FakeLoop loop = loop();
        ThreadPool pool = pool(2, ROUNDS);
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            FakeConnection c = connection(loop).writable(i % 2 == 0);
            Job j = new Job("r" + i);
            jobs.add(j);
            pool.enqueue(args(c, j, script(TaskReturn.SYNC, TaskReturn.SYNC)), "r%d", i);
            jitter();
            c.closeAsync();
        }
        assertEndedOnce(pool, jobs);
        for (Job j : jobs) {
            // at most: the SYNC call, and one STOPPING call if the close landed mid-call
            assertThat(j.calls.size()).as(j.id).isLessThanOrEqualTo(3);
            assertThat(j.calls.subList(0, Math.max(0, j.calls.size() - 1))).doesNotContain(TaskStatus.STOPPING);
        }
    }

    @Test
    void dequeueWhileTheTaskFunctionReturnsSync() {
        FakeLoop loop = loop();
        ThreadPool pool = pool(2, ROUNDS);
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            FakeConnection c = connection(loop).writable(false);
            Job j = new Job("d" + i);
            jobs.add(j);
            Task<Job> t = pool.enqueue(args(c, j, script(TaskReturn.SYNC)), "d%d", i);
            jitter();
            boolean async = loop.call(t::dequeue);
            if (!async) {
                assertThat(j.cleanups.get()).isEqualTo(1);
            }
        }
        assertEndedOnce(pool, jobs);
        for (Job j : jobs) {
            assertThat(j.calls.size()).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void syncStopRacingCompletion() throws Exception {
        FakeLoop loop = loop();
        ThreadPool pool = pool(2, ROUNDS);
        Set<String> reported = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        List<Job> jobs = new ArrayList<>();
        List<Task<Job>> tasks = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            FakeConnection c = connection(loop).onWritable(conn -> {
                Task<?> t = ThreadPool.taskOf(conn);
                if (t != null && t.status() == TaskStatus.SYNCING) {
                    if (!reported.add(((Job) t.user()).output)) {
                        duplicates.incrementAndGet();
                    }
                    t.sync(false);
                }
            });
            Job j = new Job("s" + i);
            jobs.add(j);
            tasks.add(pool.enqueue(args(c, j, script(TaskReturn.SYNC)), "s%d", i));
        }
        Thread stopper = new Thread(() -> {
            for (Task<Job> t : tasks) {
                jitter();
                t.sync(true);
            }
        });
        stopper.start();
        stopper.join();
        loop.run(() -> tasks.forEach(Task::status)); // reap whatever ended
        assertEndedOnce(pool, jobs);
        assertThat(duplicates.get()).isZero();
        for (Task<Job> t : tasks) {
            assertThat(t.statusNoReap().isTerminal()).isTrue();
        }
    }

    @Test
    void finishWhileAWorkerAcquires() {
        FakeLoop loop = loop();
        for (int round = 0; round < 60; round++) {
            ThreadPool pool = pool(2, 4);
            List<Job> jobs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Job j = new Job("f" + round + "-" + i);
                jobs.add(j);
                pool.enqueue(args(connection(loop), j, script(TaskReturn.CHECKING_IN)), "f");
            }
            jitter();
            pool.finish();
            pool.destroy();
            for (Job j : jobs) {
                assertThat(j.cleanups.get()).as(j.id).isEqualTo(1);
                if (j.calls.size() > 1) {
                    assertThat(j.calls.get(j.calls.size() - 1)).isIn(TaskStatus.STOPPING, TaskStatus.RUNNING);
                }
            }
            for (Thread t : pool.workerThreads()) {
                assertThat(t.isAlive()).isFalse();
            }
        }
    }

    @Test
    void closeRacingAcknowledgement() throws Exception {
        FakeLoop loop = loop();
        FakeLoop closer = loop();
        ThreadPool pool = pool(2, ROUNDS);
        List<Job> jobs = new ArrayList<>();
        Set<String> reported = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        for (int i = 0; i < ROUNDS; i++) {
            FakeConnection c = connection(loop).onWritable(conn -> {
                Task<?> t = ThreadPool.taskOf(conn);
                if (t != null && t.status() == TaskStatus.SYNCING) {
                    if (!reported.add(((Job) t.user()).output)) {
                        duplicates.incrementAndGet();
                    }
                    t.sync(false);
                }
            });
            Job j = new Job("a" + i);
            jobs.add(j);
            pool.enqueue(args(c, j, script(TaskReturn.SYNC, TaskReturn.SYNC, TaskReturn.SYNC)), "a%d", i);
            closer.execute(() -> {
                jitter();
                c.closeAsync();
            });
        }
        closer.drain();
        assertEndedOnce(pool, jobs);
        assertThat(duplicates.get()).isZero();
    }

    @Test
    void statusRacingCompletion() {
        FakeLoop loop = loop();
        ThreadPool pool = pool(2, ROUNDS);
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            FakeConnection c = connection(loop);
            Job j = new Job("c" + i);
            jobs.add(j);
            Task<Job> t = pool.enqueue(args(c, j, script()), "c%d", i);
            loop.run(() -> {
                while (!t.status().isTerminal()) {
                    Thread.onSpinWait();
                }
            });
            assertThat(j.cleanups.get()).isEqualTo(1);
            assertThat(j.cleanedWith).isSameAs(c);
        }
        assertEndedOnce(pool, jobs);
    }

    @Test
    void enqueueRacingClose() throws Exception {
        FakeLoop loop = loop();
        ThreadPool pool = pool(2, ROUNDS);
        List<Job> accepted = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < ROUNDS; i++) {
            FakeConnection c = connection(loop);
            CountDownLatch go = new CountDownLatch(1);
            loop.execute(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                jitter();
                c.close(1000, "bye");
            });
            Job j = new Job("e" + i);
            go.countDown();
            jitter();
            try {
                pool.enqueue(args(c, j, script(TaskReturn.SYNC)), "e%d", i);
                accepted.add(j);
            } catch (RejectedExecutionException e) {
                refused++;
                assertThat(j.cleanups.get()).isZero();
            }
        }
        assertEndedOnce(pool, accepted);
        System.out.printf("enqueueRacingClose: %d accepted, %d refused%n", accepted.size(), refused);
    }
}
