package io.lws4j.threadpool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Spec section 7.8, cases 39 to 45: exceptions, routing, observability, threads. */
class FailuresObservabilityAndThreadsTest extends PoolTestSupport {

    @Test
    void case39_theTaskThrows_workerSurvives_stoppedWithFailure_notifiedAndCleanedOnce() {
        FakeLoop loop = loop();
        List<TaskStatus> seen = new CopyOnWriteArrayList<>();
        FakeConnection c = connection(loop).onWritable(syncResponder(seen));
        ThreadPool pool = pool(1, 2);
        Job j = new Job("thrower");
        RuntimeException boom = new IllegalStateException("boom");
        Task<Job> t = pool.enqueue(args(c, j, (job, s) -> {
            if (job.calls.size() == 2) {
                throw boom;
            }
            return TaskReturn.CHECKING_IN;
        }), "thrower");
        Job next = new Job("next");
        FakeConnection c2 = connection(loop);
        Task<Job> t2 = pool.enqueue(args(c2, next, script()), "next");
        await("reaped", () -> j.cleanups.get() == 1);
        loop.drain(); // the responder records after status() returned
        assertThat(seen).containsExactly(TaskStatus.STOPPED);
        assertThat(t.failure()).isSameAs(boom);
        assertThat(j.cleanedWith).isSameAs(c);
        awaitStatus(t2, TaskStatus.FINISHED);
        assertThat(next.worker).isSameAs(j.worker);

        // a cleanup that throws is logged and does not break the pool
        TaskArgs<String> badCleanup = TaskArgs.builder(connection(loop), "x",
                (String u, TaskStatus s) -> TaskReturn.FINISHED)
                .cleanup((conn, u) -> {
                    throw new IllegalStateException("cleanup boom");
                }).build();
        Task<String> bad = pool.enqueue(badCleanup, "bad");
        awaitStatus(bad, TaskStatus.FINISHED);
        bad.dequeue();
        Job after = new Job("after");
        Task<Job> t3 = pool.enqueue(args(connection(loop), after, script()), "after");
        awaitStatus(t3, TaskStatus.FINISHED);
        assertThat(pool.diagnose().possible()).isEqualTo(1);
    }

    @Test
    void case39_aVirtualMachineErrorIsRethrownAfterBookkeeping_taskStoppedAndCleanedOnce() {
        FakeLoop loop = loop();
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        ThreadPool pool = pool(new CreateArgs(2, 1).withThreadFactory(r -> {
            Thread t = new Thread(r);
            t.setUncaughtExceptionHandler((th, e) -> uncaught.add(e));
            return t;
        }));
        Job j = new Job("oom");
        OutOfMemoryError oom = new OutOfMemoryError("simulated");
        Task<Job> t = pool.enqueue(args(connection(loop), j, (job, s) -> {
            throw oom;
        }), "oom");
        awaitStatus(t, TaskStatus.STOPPED);
        await("worker died with it", () -> uncaught.contains(oom));
        assertThat(t.failure()).isSameAs(oom);
        assertThat(loop.call(t::status)).isEqualTo(TaskStatus.STOPPED);
        assertThat(j.cleanups.get()).isEqualTo(1);
        await("one worker left", () -> pool.diagnose().possible() == 1);
        Job next = new Job("next");
        Task<Job> t2 = pool.enqueue(args(connection(loop), next, script()), "next");
        awaitStatus(t2, TaskStatus.FINISHED);
    }

    @Test
    void case40_notificationsGoOnlyToTheOwningServiceThread() {
        FakeLoop loopA = loop();
        FakeLoop loopB = loop();
        FakeLoop idleLoop = loop();
        int idleBaseline = idleLoop.commandsRun.get();
        List<Thread> writableThreadsA = new CopyOnWriteArrayList<>();
        List<Thread> writableThreadsB = new CopyOnWriteArrayList<>();
        List<TaskStatus> seen = new CopyOnWriteArrayList<>();
        FakeConnection a = connection(loopA).onWritable(conn -> {
            writableThreadsA.add(Thread.currentThread());
            syncResponder(seen).accept(conn);
        });
        FakeConnection b = connection(loopB).onWritable(conn -> {
            writableThreadsB.add(Thread.currentThread());
            syncResponder(seen).accept(conn);
        });
        ThreadPool pool = pool(2, 2);
        Job ja = new Job("a");
        Job jb = new Job("b");
        pool.enqueue(args(a, ja, script(TaskReturn.SYNC, TaskReturn.SYNC)), "a");
        pool.enqueue(args(b, jb, script(TaskReturn.SYNC)), "b");
        await("both reaped", () -> ja.cleanups.get() == 1 && jb.cleanups.get() == 1);
        loopA.drain();
        loopB.drain();
        assertThat(writableThreadsA).isNotEmpty().containsOnly(loopA.thread());
        assertThat(writableThreadsB).isNotEmpty().containsOnly(loopB.thread());
        assertThat(ja.cleanedOn).isSameAs(loopA.thread());
        assertThat(jb.cleanedOn).isSameAs(loopB.thread());
        assertThat(idleLoop.commandsRun.get()).isEqualTo(idleBaseline);
    }

    @Test
    void case41_diagnoseIsConsistent_threeOngoingThreePossibleEightQueued_plusExtraMetrics() throws Exception {
        FakeLoop loop = loop();
        ThreadPool pool = pool(3, 8);
        CountDownLatch entered = new CountDownLatch(3);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 3; i++) {
            pool.enqueue(args(connection(loop), new Job("busy" + i), blockThen(entered, release, TaskReturn.FINISHED)), "busy%d", i);
        }
        await(entered);
        for (int i = 0; i < 8; i++) {
            pool.enqueue(args(connection(loop), new Job("wait" + i), script()), "wait%d", i);
        }
        try {
            pool.enqueue(args(connection(loop), new Job("refused"), script()), "refused");
        } catch (java.util.concurrent.RejectedExecutionException expected) {
            // counted below
        }
        Thread.sleep(20);
        Diagnosis d = pool.diagnose();
        assertThat(d.ongoing()).isEqualTo(3);
        assertThat(d.possible()).isEqualTo(3);
        assertThat(d.queueDepth()).isEqualTo(8);
        assertThat(d.rejected()).isEqualTo(1);
        assertThat(d.oldestWaitAge()).isGreaterThanOrEqualTo(Duration.ofMillis(20));
        assertThat(d.doneUnreaped()).isZero();
        String dump = pool.dump();
        assertThat(dump).contains("queued 8", "on workers 3", "busy0", "wait7", "ONGOING", "QUEUED");
        release.countDown();
        await("all done", () -> pool.diagnose().completed() == 11);
        Diagnosis after = pool.diagnose();
        assertThat(after.ongoing()).isZero();
        assertThat(after.queueDepth()).isZero();
        assertThat(after.doneUnreaped()).isEqualTo(11); // nobody reaped: the fake onWritable does nothing
        assertThat(after.oldestWaitAge()).isEqualTo(Duration.ZERO);
        assertThat(pool.dump()).contains("done, not reaped 11", "DONE FINISHED");
    }

    @Test
    void case42_timeAccounting_queuedRunningSyncing_percentages_abandonedSyncCounts() {
        FakeLoop loop = loop();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            FakeConnection c = connection(loop).onWritable(conn -> {
                Task<?> t = ThreadPool.taskOf(conn);
                if (t != null && t.statusNoReap() == TaskStatus.SYNCING) {
                    t.status();
                    timer.schedule(() -> conn.execute(() -> t.sync(false)), 100, TimeUnit.MILLISECONDS);
                }
            });
            // The acknowledgement comes 100 ms after each request; the budget is generous so a
            // loaded machine cannot turn a late acknowledgement into a stopped task.
            ThreadPool pool = pool(new CreateArgs(1, 2).withSync(Duration.ofSeconds(20), Duration.ofMillis(50)));
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            pool.enqueue(args(connection(loop), new Job("blocker"), blockThen(entered, release, TaskReturn.FINISHED)), "blocker");
            await(entered);
            Job j = new Job("timed");
            Task<Job> t = pool.enqueue(args(c, j, (job, s) -> {
                Thread.sleep(100);
                int n = job.calls.size();
                return n < 3 ? TaskReturn.SYNC : TaskReturn.FINISHED;
            }), "timed");
            timer.schedule(release::countDown, 100, TimeUnit.MILLISECONDS);
            awaitStatus(t, TaskStatus.FINISHED);
            long queued = t.record().queuedNanos();
            long run = t.record().runNanos();
            long sync = t.record().syncNanos();
            long onWorker = t.record().onWorkerNanos();
            System.out.printf("case42: queued %d ms, running %d ms, syncing %d ms, on worker %d ms; %s%n",
                    queued / 1_000_000, run / 1_000_000, sync / 1_000_000, onWorker / 1_000_000, t);
            // lower bounds: the sleeps and delays above; upper bounds: the whole test's liveness
            assertThat(queued).isBetween(ms(90), LIVENESS.toNanos());
            assertThat(run).isBetween(ms(300), LIVENESS.toNanos());
            assertThat(sync).isBetween(ms(190), LIVENESS.toNanos());
            assertThat(run + sync).isLessThanOrEqualTo(onWorker);
            long runPct = run * 100 / (onWorker + 1000);
            long syncPct = sync * 100 / (onWorker + 1000);
            assertThat(t.toString()).contains("run " + runPct + "%", "sync " + syncPct + "%", "DONE FINISHED");

            // an abandoned wait is counted too: a pool with a short budget, which it exhausts
            ThreadPool shortBudget = pool(new CreateArgs(1, 2).withSync(Duration.ofMillis(150), Duration.ofMillis(50)));
            FakeConnection deaf = connection(loop).writable(false);
            Job a = new Job("abandoned");
            Task<Job> at = shortBudget.enqueue(args(deaf, a, script(TaskReturn.SYNC)), "abandoned");
            await("abandoned cleaned", () -> a.cleanups.get() == 1);
            assertThat(at.record().syncNanos()).isGreaterThanOrEqualTo(ms(150));
        } finally {
            timer.shutdownNow();
        }
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void case43_idlePoolUsesNoCpu_workersStayBlocked() throws Exception {
        ThreadPool pool = pool(3, 1);
        await("workers parked", () -> pool.workerThreads().stream()
                .allMatch(t -> t.getState() == Thread.State.WAITING));
        for (int i = 0; i < 40; i++) {
            Thread.sleep(25);
            for (Thread t : pool.workerThreads()) {
                assertThat(t.getState()).as(t.getName()).isEqualTo(Thread.State.WAITING);
            }
        }
        assertThat(pool.diagnose().ongoing()).isZero();
    }

    @Test
    void case44_partialThreadCreationFailure_creationFailsAtomically_startedThreadsStopped() {
        List<Thread> made = new ArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        ThreadFactory failingThird = r -> {
            if (calls.incrementAndGet() == 3) {
                throw new IllegalStateException("no more threads");
            }
            Thread t = new Thread(r);
            made.add(t);
            return t;
        };
        assertThatThrownBy(() -> ThreadPool.create(FakeContext.INSTANCE,
                new CreateArgs(4, 1).withThreadFactory(failingThird), "failing"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("worker 2");
        assertThat(made).hasSize(2);
        for (Thread t : made) {
            await(t.getName() + " stopped", () -> !t.isAlive());
        }
        assertThatThrownBy(() -> ThreadPool.create(FakeContext.INSTANCE,
                new CreateArgs(2, 1).withThreadFactory(r -> null), "null-factory"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void case44_aThreadFactorysThreadsKeepTheirNames_thePoolsOwnAreNamedPoolDashIndex() {
        AtomicInteger made = new AtomicInteger();
        ThreadPool custom = pool(new CreateArgs(2, 1).withThreadFactory(
                r -> new Thread(r, "app-worker-" + made.getAndIncrement())));
        assertThat(custom.workerThreads()).extracting(Thread::getName)
                .containsExactly("app-worker-0", "app-worker-1");
        ThreadPool own = pool(new CreateArgs(2, 1));
        assertThat(own.workerThreads()).extracting(Thread::getName)
                .containsExactly("test-pool-0", "test-pool-1");
        assertThat(own.workerThreads()).allMatch(Thread::isDaemon);
    }

    @Test
    void case45_clockJumps_syncBudgetIsMeasuredOnTheMonotonicClockOnly() throws IOException {
        // The wall clock cannot be stepped from a unit test; instead: no pool code reads it,
        // and the budget behaves by System.nanoTime.
        List<Path> sources;
        Path root = Path.of("src/main/java/io/lws4j");
        try (Stream<Path> files = Stream.concat(Files.walk(root.resolve("threadpool")),
                Files.walk(root.resolve("internal/pool")))) {
            sources = files.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertThat(sources).hasSizeGreaterThan(5);
        for (Path p : sources) {
            String text = Files.readString(p);
            assertThat(text).as(p.toString())
                    .doesNotContain("currentTimeMillis", "Instant.now", "Clock.system",
                            "new Date(", "LocalDateTime.now", "awaitUntil");
        }
        FakeLoop loop = loop();
        ThreadPool pool = pool(new CreateArgs(1, 1).withSync(Duration.ofMillis(120), Duration.ofMillis(120)));
        Job j = new Job("j");
        long start = System.nanoTime();
        pool.enqueue(args(connection(loop).writable(false), j, script(TaskReturn.SYNC)), "j");
        await("abandoned", () -> j.cleanups.get() == 1);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(ms(120));
    }
}
