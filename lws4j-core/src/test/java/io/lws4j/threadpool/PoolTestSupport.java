package io.lws4j.threadpool;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;

/**
 * Shared fixtures of the socket-free threadpool tests: fake loops and connections, pools
 * that are destroyed after each test (asserting their workers exited), a recording user
 * object and liveness waits with generous bounds.
 *
 * <p>Not thread-safe: instances must not be shared.
 */
abstract class PoolTestSupport {
    /**
     * A generous liveness bound: far above any expected latency on a loaded shared machine,
     * half the default 30 s sync budget.
     */
    static final Duration LIVENESS = Duration.ofSeconds(15);

    /**
     * The longest service-loop cycle a test accepts as "no stall". A loop that blocked on a
     * worker would block for the sync budget (30 s by default) or for ever; a loaded 2-core
     * machine can stretch a busy cycle (TLS handshakes, a thousand upgrades) towards a second.
     */
    static final Duration LOOP_STALL = Duration.ofSeconds(5);

    private final List<ThreadPool> pools = new ArrayList<>();
    private final List<FakeLoop> loops = new ArrayList<>();

    /** The user object of test tasks: records every call and the cleanup. */
    static final class Job {
        final String id;
        final List<TaskStatus> calls = new CopyOnWriteArrayList<>();
        final AtomicInteger cleanups = new AtomicInteger();
        final List<String> outputs = Collections.synchronizedList(new ArrayList<>());
        volatile Connection cleanedWith;
        volatile Thread cleanedOn;
        volatile Thread worker;
        volatile String output;

        Job(String id) {
            this.id = id;
        }

        @Override
        public String toString() {
            return id;
        }
    }

    FakeLoop loop() {
        FakeLoop l = new FakeLoop();
        loops.add(l);
        return l;
    }

    FakeConnection connection(FakeLoop l) {
        return new FakeConnection(l);
    }

    ThreadPool pool(CreateArgs args) {
        ThreadPool p = ThreadPool.create(FakeContext.INSTANCE, args, "test-pool");
        pools.add(p);
        return p;
    }

    ThreadPool pool(int threads, int depth) {
        return pool(new CreateArgs(threads, depth));
    }

    static TaskArgs<Job> args(Connection c, Job job, TaskFunction<Job> fn) {
        return TaskArgs.builder(c, job, (Job j, TaskStatus s) -> {
            j.worker = Thread.currentThread();
            j.calls.add(s);
            return fn.run(j, s);
        }).cleanup((conn, j) -> {
            j.cleanedWith = conn;
            j.cleanedOn = Thread.currentThread();
            j.cleanups.incrementAndGet();
        }).build();
    }

    /** A task function returning the given values in turn, then FINISHED. */
    static TaskFunction<Job> script(TaskReturn... returns) {
        AtomicInteger i = new AtomicInteger();
        return (j, s) -> {
            int n = i.getAndIncrement();
            if (n < returns.length) {
                if (returns[n] == TaskReturn.SYNC || returns[n] == TaskReturn.SYNC_OUTLIVE) {
                    j.output = j.id + " out " + n;
                }
                return returns[n];
            }
            return TaskReturn.FINISHED;
        };
    }

    /** A task function that blocks until {@code release} opens, after counting {@code entered}. */
    static TaskFunction<Job> blockThen(CountDownLatch entered, CountDownLatch release,
                                       TaskReturn ret) {
        return (j, s) -> {
            entered.countDown();
            if (!release.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("test gate never opened");
            }
            return ret;
        };
    }

    /**
     * The usual protocol: on writable, reap or (when SYNCING) write the task's output and
     * acknowledge. Records what status() returned.
     */
    static java.util.function.Consumer<FakeConnection> syncResponder(List<TaskStatus> seen) {
        return c -> {
            Task<?> t = ThreadPool.taskOf(c);
            if (t == null) {
                return;
            }
            TaskStatus s = t.status();
            seen.add(s);
            if (s == TaskStatus.SYNCING) {
                Job j = (Job) t.user();
                c.writeText(j.output);
                t.sync(false);
            }
        };
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + LIVENESS.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + LIVENESS + ": " + what);
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(LIVENESS.toMillis(), TimeUnit.MILLISECONDS))
                    .as("latch within " + LIVENESS).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Waits for a task's status (without reaping) to become {@code s}. */
    static void awaitStatus(Task<?> t, TaskStatus s) {
        await(t.name() + " " + s, () -> t.statusNoReap() == s);
    }

    /** Waits until the worker thread of a job is parked (its SYNC wait). */
    static void awaitParked(Job j) {
        await("worker parked", () -> {
            Thread w = j.worker;
            return w != null && (w.getState() == Thread.State.TIMED_WAITING
                    || w.getState() == Thread.State.WAITING);
        });
    }

    @AfterEach
    void destroyPoolsAndCheckNoThreadLeft() {
        for (ThreadPool p : pools) {
            p.close();
        }
        for (ThreadPool p : pools) {
            for (Thread t : p.workerThreads()) {
                try {
                    t.join(LIVENESS.toMillis());
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                assertThat(t.isAlive()).as("worker %s left running", t.getName()).isFalse();
            }
        }
        for (FakeLoop l : loops) {
            l.close();
        }
    }
}
