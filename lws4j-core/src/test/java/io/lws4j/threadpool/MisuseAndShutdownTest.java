package io.lws4j.threadpool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Spec sections 7.6 and 7.7, cases 30 to 38: misused calls and shutdown. */
class MisuseAndShutdownTest extends PoolTestSupport {

    private CountDownLatch busyWorker(ThreadPool pool, FakeLoop loop, Job blocker) {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        pool.enqueue(args(connection(loop), blocker, (j, s) -> {
            if (j.calls.size() > 1) {
                return s == TaskStatus.STOPPING ? TaskReturn.STOPPED : TaskReturn.FINISHED;
            }
            entered.countDown();
            release.await(30, TimeUnit.SECONDS);
            return TaskReturn.CHECKING_IN;
        }), "blocker");
        await(entered);
        return release;
    }

    @Test
    void case30_stopRequestOnAQueuedTaskIsKept_endsStoppedWithoutBeingCalled() {
        FakeLoop loop = loop();
        ThreadPool pool = pool(1, 1);
        CountDownLatch release = busyWorker(pool, loop, new Job("blocker"));
        FakeConnection c = connection(loop);
        Job j = new Job("j");
        Task<Job> t = pool.enqueue(args(c, j, script()), "j");
        loop.run(() -> t.sync(true));
        assertThat(t.statusNoReap()).isEqualTo(TaskStatus.STOPPED);
        assertThat(loop.call(t::status)).isEqualTo(TaskStatus.STOPPED);
        assertThat(j.cleanups.get()).isEqualTo(1);
        assertThat(j.cleanedWith).isSameAs(c);
        release.countDown();
        await("blocker ended", () -> pool.diagnose().ongoing() == 0);
        assertThat(j.calls).isEmpty();
    }

    @Test
    void case31_stopRequestOnADoneTask_statusStaysFinished_nextQueryReaps() {
        FakeLoop loop = loop();
        FakeConnection c = connection(loop);
        ThreadPool pool = pool(1, 1);
        Job j = new Job("j");
        Task<Job> t = pool.enqueue(args(c, j, script()), "j");
        awaitStatus(t, TaskStatus.FINISHED);
        loop.run(() -> t.sync(true));
        assertThat(t.statusNoReap()).isEqualTo(TaskStatus.FINISHED);
        assertThat(j.cleanups.get()).isZero();
        assertThat(loop.call(t::status)).isEqualTo(TaskStatus.FINISHED);
        assertThat(j.cleanups.get()).isEqualTo(1);
    }

    @Test
    void case32_callsOnStaleHandles_noExceptionNoEffect_statusReturnsTheTerminalState() {
        FakeLoop loop = loop();
        FakeConnection c = connection(loop);
        ThreadPool pool = pool(1, 1);
        Job reaped = new Job("reaped");
        Task<Job> t = pool.enqueue(args(c, reaped, script(TaskReturn.CHECKING_IN)), "reaped");
        awaitStatus(t, TaskStatus.FINISHED);
        assertThat(loop.call(t::status)).isEqualTo(TaskStatus.FINISHED);
        Job dequeued = new Job("dequeued");
        CountDownLatch release = busyWorker(pool, loop, new Job("blocker"));
        Task<Job> d = pool.enqueue(args(connection(loop), dequeued, script()), "dequeued");
        assertThat(d.dequeue()).isFalse();
        release.countDown();
        for (Task<Job> stale : List.of(t, d)) {
            for (int i = 0; i < 3; i++) {
                stale.sync(false);
                stale.sync(true);
                assertThat(stale.dequeue()).isFalse();
                assertThat(loop.call(stale::status)).isIn(TaskStatus.FINISHED, TaskStatus.STOPPED);
                assertThat(stale.status()).isEqualTo(stale.statusNoReap());
                assertThat(stale.connection()).isNull();
            }
        }
        assertThat(t.status()).isEqualTo(TaskStatus.FINISHED);
        assertThat(d.status()).isEqualTo(TaskStatus.STOPPED);
        assertThat(reaped.cleanups.get()).isEqualTo(1);
        assertThat(dequeued.cleanups.get()).isEqualTo(1);
        assertThat(t.user()).isSameAs(reaped);
    }

    @Test
    void case33_reentrantCallsFromForEachAndCleanupDoNotDeadlock() {
        FakeLoop loop = loop();
        FakeConnection c = connection(loop);
        ThreadPool pool = pool(2, 4);
        List<Object> reentered = new ArrayList<>();
        AtomicReference<Task<String>> follower = new AtomicReference<>();
        TaskArgs<String> reentrant = TaskArgs.builder(c, "reentrant",
                (String u, TaskStatus s) -> TaskReturn.FINISHED)
                .cleanup((conn, u) -> {
                    reentered.add(pool.diagnose());
                    Task<?> first = ThreadPool.taskOf(c);
                    if (first != null) {
                        reentered.add(first.status());
                    }
                    reentered.add(ThreadPool.dequeue(c));
                    reentered.add(pool.dump());
                    follower.set(pool.enqueue(TaskArgs.builder(connection(loop), "follower",
                            (String f, TaskStatus st) -> TaskReturn.FINISHED).build(), "follower"));
                })
                .build();
        Task<String> t = pool.enqueue(reentrant, "reentrant");
        Job other = new Job("other");
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        pool.enqueue(args(c, other, blockThen(entered, release, TaskReturn.CHECKING_IN)), "other");
        await(entered);
        awaitStatus(t, TaskStatus.FINISHED);
        boolean stoppedEarly = loop.call(() -> ThreadPool.forEachTask(c, task -> {
            reentered.add(pool.diagnose());
            reentered.add(task.status()); // reaps the finished one: cleanup runs inside
            task.dequeue();
            return false;
        }));
        assertThat(stoppedEarly).isFalse();
        release.countDown();
        await("follower ran", () -> follower.get() != null
                && follower.get().statusNoReap() == TaskStatus.FINISHED);
        await("other cleaned", () -> other.cleanups.get() == 1);
        assertThat(reentered).isNotEmpty();
    }

    @Test
    void case34_deprecatedConnectionCalls_behaveLikeTheHandleCalls_noTaskGivesFinished() {
        FakeLoop loop = loop();
        FakeConnection c = connection(loop);
        ThreadPool pool = pool(1, 2);
        CountDownLatch release = busyWorker(pool, loop, new Job("blocker"));
        Job j = new Job("j");
        Task<Job> t = pool.enqueue(args(c, j, script()), "j");
        assertThat(loop.call(() -> ThreadPool.taskStatusWsi(c))).isEqualTo(TaskStatus.QUEUED);
        assertThat(loop.call(() -> ThreadPool.dequeue(c))).isFalse(); // like t.dequeue() on a queued task
        assertThat(j.cleanups.get()).isEqualTo(1);
        assertThat(j.cleanedWith).isSameAs(c);
        assertThat(t.statusNoReap()).isEqualTo(TaskStatus.STOPPED);
        FakeConnection none = connection(loop);
        assertThat(ThreadPool.taskStatusWsi(none)).isEqualTo(TaskStatus.FINISHED);
        assertThat(ThreadPool.taskOf(none)).isNull();
        assertThat(ThreadPool.dequeue(none)).isFalse();
        // a finished task: the connection-based status reaps it like status()
        release.countDown();
        Job k = new Job("k");
        FakeConnection c2 = connection(loop);
        Task<Job> t2 = pool.enqueue(args(c2, k, script()), "k");
        awaitStatus(t2, TaskStatus.FINISHED);
        assertThat(loop.call(() -> ThreadPool.taskStatusWsi(c2))).isEqualTo(TaskStatus.FINISHED);
        assertThat(k.cleanups.get()).isEqualTo(1);
        assertThat(k.cleanedWith).isSameAs(c2);
    }

    @Test
    void case35_finishWithPendingDoneAndRunningTasks_promptAndEveryCleanupOnceByDestroy() {
        FakeLoop loop = loop();
        ThreadPool pool = pool(1, 3);
        Job done = new Job("done");
        Task<Job> doneTask = pool.enqueue(args(connection(loop), done, script()), "done");
        awaitStatus(doneTask, TaskStatus.FINISHED);
        Job running = new Job("running");
        CountDownLatch release = busyWorker(pool, loop, running);
        List<Job> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Job w = new Job("w" + i);
            waiting.add(w);
            pool.enqueue(args(connection(loop), w, script()), "w%d", i);
        }
        long start = System.nanoTime();
        pool.finish();
        long finishNanos = System.nanoTime() - start;
        System.out.printf("case35: finish() returned in %.3f ms%n", finishNanos / 1e6);
        assertThat(finishNanos).isLessThan(LIVENESS.toNanos());
        for (Job w : waiting) {
            assertThat(w.calls).isEmpty();
            assertThat(w.cleanups.get()).isEqualTo(1);
        }
        release.countDown();
        pool.destroy();
        assertThat(running.calls).containsExactly(TaskStatus.RUNNING, TaskStatus.STOPPING);
        assertThat(running.cleanups.get()).isEqualTo(1);
        assertThat(done.cleanups.get()).isEqualTo(1);
        assertThat(pool.isTerminated()).isTrue();
        assertThat(pool.isShutdown()).isTrue();
    }

    @Test
    void finishThenAwaitTermination_workersExitOnceRunningTasksReturn() throws Exception {
        FakeLoop loop = loop();
        ThreadPool pool = pool(2, 1);
        Job running = new Job("running");
        CountDownLatch release = busyWorker(pool, loop, running);
        pool.finish();
        assertThat(pool.isShutdown()).isTrue();
        assertThat(pool.awaitTermination(Duration.ofMillis(50))).isFalse();
        release.countDown();
        assertThat(pool.awaitTermination(LIVENESS)).isTrue();
        assertThat(pool.isTerminated()).isTrue();
        assertThat(running.calls).containsExactly(TaskStatus.RUNNING, TaskStatus.STOPPING);
        // ended while bound to an open connection: it waits for its service thread to reap
        // it, or for destroy
        assertThat(pool.diagnose().doneUnreaped()).isEqualTo(1);
        assertThat(running.cleanups.get()).isZero();
        pool.close();
        assertThat(running.cleanups.get()).isEqualTo(1);
        pool.close(); // idempotent
        assertThat(running.cleanups.get()).isEqualTo(1);
    }

    @Test
    void case36_destroyWithoutFinish_sameAsFinishThenDestroy_workersJoinedEveryCleanupOnce() {
        FakeLoop loop = loop();
        ThreadPool pool = pool(1, 3);
        Job running = new Job("running");
        CountDownLatch release = busyWorker(pool, loop, running);
        Job queued = new Job("queued");
        pool.enqueue(args(connection(loop), queued, script()), "queued");
        new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            release.countDown();
        }).start();
        List<String> stuck = pool.destroy();
        assertThat(stuck).isEmpty();
        assertThat(queued.calls).isEmpty();
        assertThat(queued.cleanups.get()).isEqualTo(1);
        assertThat(running.cleanups.get()).isEqualTo(1);
        for (Thread t : pool.workerThreads()) {
            assertThat(t.isAlive()).isFalse();
        }
    }

    @Test
    void case37_destroyOnTheServiceThreadWhileATaskIsSyncing_wokenWithStop_returnsWithinGrace() {
        FakeLoop loop = loop();
        FakeConnection c = connection(loop); // writable, but its onWritable never acknowledges
        // 30 s sync budget, 20 s grace: returning in well under either shows the syncing task
        // was woken with STOP rather than waited out.
        ThreadPool pool = pool(new CreateArgs(1, 1).withShutdownGrace(Duration.ofSeconds(20)));
        Job j = new Job("j");
        Task<Job> t = pool.enqueue(args(c, j, script(TaskReturn.SYNC)), "j");
        awaitStatus(t, TaskStatus.SYNCING);
        long start = System.nanoTime();
        List<String> stuck = loop.call(() -> {
            pool.finish();
            return pool.destroy();
        });
        long took = System.nanoTime() - start;
        System.out.printf("case37: finish+destroy on the service thread took %.2f ms%n", took / 1e6);
        assertThat(stuck).isEmpty();
        assertThat(took).isLessThan(pool.args().shutdownGrace().dividedBy(2).toNanos());
        assertThat(j.calls).hasSize(1);
        assertThat(t.statusNoReap()).isEqualTo(TaskStatus.STOPPED);
        assertThat(j.cleanups.get()).isEqualTo(1);
    }

    @Test
    void case38_aTaskThatNeverReturns_destroyReturnsAfterGraceReportsIt_cleanupWhenItFinallyReturns() {
        FakeLoop loop = loop();
        ThreadPool pool = pool(new CreateArgs(1, 1).withShutdownGrace(Duration.ofMillis(200)));
        AtomicBoolean letGo = new AtomicBoolean();
        AtomicBoolean sawInterrupt = new AtomicBoolean();
        CountDownLatch entered = new CountDownLatch(1);
        Job j = new Job("stubborn");
        pool.enqueue(args(connection(loop), j, (job, s) -> {
            entered.countDown();
            while (!letGo.get()) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    sawInterrupt.set(true); // ignores it, like a badly written task
                }
            }
            return TaskReturn.FINISHED;
        }), "stubborn");
        await(entered);
        List<String> stuck = pool.destroy();
        assertThat(stuck).hasSize(1);
        assertThat(stuck.get(0)).contains("stubborn");
        await("interrupted", sawInterrupt::get);
        assertThat(j.cleanups.get()).isZero();
        letGo.set(true);
        await("cleaned when it returned", () -> j.cleanups.get() == 1);
        assertThat(j.cleanedWith).isNull();
        assertThat(j.cleanedOn).isSameAs(j.worker);
    }
}
