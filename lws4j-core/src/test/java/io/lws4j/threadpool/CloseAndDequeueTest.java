package io.lws4j.threadpool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Spec sections 7.4 and 7.5, cases 17 to 29: the connection closes; dequeue. */
class CloseAndDequeueTest extends PoolTestSupport {

    /** A pool with one worker held busy until the returned latch opens. */
    private CountDownLatch busyWorker(ThreadPool pool, FakeLoop loop) {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        pool.enqueue(args(connection(loop), new Job("blocker"), blockThen(entered, release, TaskReturn.FINISHED)), "blocker");
        await(entered);
        return release;
    }

    @Test
    void case17_closeWhileQueued_purgedAtOnceNeverCalled_cleanedWithNull_queueSlotFreed() {
        FakeLoop loop = loop();
        ThreadPool pool = pool(1, 1);
        CountDownLatch release = busyWorker(pool, loop);
        FakeConnection c = connection(loop);
        Job j = new Job("j");
        Task<Job> t = pool.enqueue(args(c, j, script()), "j");
        assertThat(pool.diagnose().queueDepth()).isEqualTo(1);
        c.closeAndWait();
        assertThat(j.cleanups.get()).isEqualTo(1);
        assertThat(j.cleanedWith).isNull();
        assertThat(j.cleanedOn).isSameAs(loop.thread());
        assertThat(pool.diagnose().queueDepth()).isZero();
        assertThat(t.statusNoReap()).isEqualTo(TaskStatus.STOPPED);
        release.countDown();
        await("blocker done", () -> pool.diagnose().ongoing() == 0);
        assertThat(j.calls).isEmpty();
    }

    @Test
    void case18_closeWhileTheFunctionRuns_exactlyOneMoreCallWithStopping_cleanedOnWorkerNoNotification() {
        FakeLoop loop = loop();
        FakeConnection c = connection(loop);
        ThreadPool pool = pool(1, 1);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Job j = new Job("j");
        Task<Job> t = pool.enqueue(args(c, j, (job, s) -> {
            if (job.calls.size() == 1) {
                entered.countDown();
                release.await(30, TimeUnit.SECONDS);
            }
            return TaskReturn.CHECKING_IN;
        }), "j");
        await(entered);
        c.closeAndWait();
        release.countDown();
        await("cleaned", () -> j.cleanups.get() == 1);
        assertThat(j.calls).containsExactly(TaskStatus.RUNNING, TaskStatus.STOPPING);
        assertThat(t.statusNoReap()).isEqualTo(TaskStatus.STOPPED);
        assertThat(j.cleanedWith).isNull();
        assertThat(j.cleanedOn).isSameAs(j.worker);
        assertThat(c.writableRequests.get()).isZero();
    }

    @Test
    void case19_closeDuringACallThatReturnsSync_noSyncWait_oneStoppingCall() {
        FakeLoop loop = loop();
        FakeConnection c = connection(loop);
        ThreadPool pool = pool(1, 1);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Job j = new Job("j");
        pool.enqueue(args(c, j, (job, s) -> {
            if (job.calls.size() == 1) {
                entered.countDown();
                release.await(30, TimeUnit.SECONDS);
                return TaskReturn.SYNC;
            }
            return TaskReturn.CHECKING_IN;
        }), "j");
        await(entered);
        c.closeAndWait();
        release.countDown();
        await("cleaned", () -> j.cleanups.get() == 1);
        assertThat(j.calls).containsExactly(TaskStatus.RUNNING, TaskStatus.STOPPING);
        assertThat(c.writableRequests.get()).isZero();
        assertThat(pool.diagnose().syncWaits()).isZero();
    }

    @Test
    void case20_closeWhileSyncing_releasesWorkerWellBeforeTheSyncBudget_noFurtherCall() {
        FakeLoop loop = loop();
        FakeConnection c = connection(loop).writable(false);
        ThreadPool pool = pool(1, 1); // default 30 s budget
        Job j = new Job("j");
        Task<Job> t = pool.enqueue(args(c, j, script(TaskReturn.SYNC)), "j");
        awaitStatus(t, TaskStatus.SYNCING);
        awaitParked(j);
        long start = System.nanoTime();
        c.closeAndWait();
        await("cleaned", () -> j.cleanups.get() == 1);
        long releasedAfter = System.nanoTime() - start;
        assertThat(j.calls).hasSize(1);
        assertThat(t.statusNoReap()).isEqualTo(TaskStatus.STOPPED);
        assertThat(j.cleanedWith).isNull();
        System.out.printf("case20: worker released %.2f ms after close%n", releasedAfter / 1e6);
    }

    @Test
    void case21_closeAfterFinishingBeforeTheReap_cleanedOncePromptlyWithNull_doneCountBackToZero() {
        FakeLoop loop = loop();
        FakeConnection c = connection(loop); // onWritable does not reap
        ThreadPool pool = pool(1, 1);
        Job j = new Job("j");
        Task<Job> t = pool.enqueue(args(c, j, script()), "j");
        awaitStatus(t, TaskStatus.FINISHED);
        await("done list", () -> pool.diagnose().doneUnreaped() == 1);
        c.closeAndWait();
        assertThat(j.cleanups.get()).isEqualTo(1);
        assertThat(j.cleanedWith).isNull();
        assertThat(pool.diagnose().doneUnreaped()).isZero();
    }

    @Test
    void case22_closeAfterTheReap_nothingPoolRelatedHappens() {
        FakeLoop loop = loop();
        List<TaskStatus> seen = new CopyOnWriteArrayList<>();
        FakeConnection c = connection(loop).onWritable(syncResponder(seen));
        ThreadPool pool = pool(1, 1);
        Job j = new Job("j");
        pool.enqueue(args(c, j, script()), "j");
        await("reaped", () -> j.cleanups.get() == 1);
        Diagnosis before = pool.diagnose();
        c.closeAndWait();
        Diagnosis after = pool.diagnose();
        assertThat(j.cleanups.get()).isEqualTo(1);
        assertThat(after.completed()).isEqualTo(before.completed());
        assertThat(after.doneUnreaped()).isZero();
        assertThat(j.calls).hasSize(1);
    }

    private Job runOutliveTaskThroughClose(ThreadPool pool, FakeLoop loop) {
        FakeConnection c = connection(loop);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Job j = new Job("outlive");
        pool.enqueue(args(c, j, (job, s) -> {
            int n = job.calls.size();
            if (n == 1) {
                entered.countDown();
                release.await(30, TimeUnit.SECONDS);
                return TaskReturn.CHECKING_IN_OUTLIVE;
            }
            if (n == 2) {
                return TaskReturn.SYNC_OUTLIVE;
            }
            return n < 5 ? TaskReturn.CHECKING_IN : TaskReturn.FINISHED;
        }), "outlive");
        await(entered);
        c.closeAndWait();
        release.countDown();
        await("cleaned", () -> j.cleanups.get() == 1);
        assertThat(j.cleanedWith).isNull();
        assertThat(c.writableRequests.get()).isZero();
        return j;
    }

    @Test
    void case23_outliveTaskAfterClose_continuePolicyKeepsCallingWithRunningAndSkipsSync() {
        ThreadPool pool = pool(1, 1); // CONTINUE is the default (api.md 3.5)
        Job j = runOutliveTaskThroughClose(pool, loop());
        assertThat(j.calls).hasSize(5).containsOnly(TaskStatus.RUNNING);
        assertThat(pool.diagnose().syncWaits()).isZero();
    }

    @Test
    void case23_outliveTaskAfterClose_faithfulPolicyGivesExactlyOneStoppingCall() {
        ThreadPool pool = pool(new CreateArgs(1, 1).withOutlivePolicy(OutlivePolicy.FAITHFUL));
        Job j = runOutliveTaskThroughClose(pool, loop());
        assertThat(j.calls).containsExactly(TaskStatus.RUNNING, TaskStatus.STOPPING);
        assertThat(j.cleanedOn).isSameAs(j.worker);
    }

    @Test
    void case24_dequeueAnOutliveRunningTask_onlyDetached_nextCallStopping_cleanedOnWorker() {
        FakeLoop loop = loop();
        FakeConnection c = connection(loop);
        ThreadPool pool = pool(1, 1);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Job j = new Job("j");
        Task<Job> t = pool.enqueue(args(c, j, (job, s) -> {
            if (job.calls.size() == 2) {
                entered.countDown();
                release.await(30, TimeUnit.SECONDS);
            }
            return TaskReturn.CHECKING_IN_OUTLIVE;
        }), "j");
        await(entered);
        assertThat(loop.call(t::dequeue)).isTrue();
        assertThat(ThreadPool.taskOf(c)).isNull();
        assertThat(t.connection()).isNull();
        assertThat(j.cleanups.get()).isZero();
        release.countDown();
        await("cleaned", () -> j.cleanups.get() == 1);
        assertThat(j.calls).containsExactly(TaskStatus.RUNNING, TaskStatus.RUNNING, TaskStatus.STOPPING);
        assertThat(j.cleanedOn).isSameAs(j.worker);
        assertThat(j.cleanedWith).isNull();
    }

    @Test
    void case25_dequeueWhileQueued_cleanedSynchronouslyWithLiveConnection_neverCalled_handleDead() {
        FakeLoop loop = loop();
        ThreadPool pool = pool(1, 1);
        CountDownLatch release = busyWorker(pool, loop);
        FakeConnection c = connection(loop);
        Job j = new Job("j");
        Task<Job> t = pool.enqueue(args(c, j, script()), "j");
        boolean async = loop.call(() -> {
            boolean r = t.dequeue();
            assertThat(j.cleanups.get()).isEqualTo(1); // synchronously, inside dequeue
            return r;
        });
        assertThat(async).isFalse();
        assertThat(j.cleanedWith).isSameAs(c);
        assertThat(j.cleanedOn).isSameAs(loop.thread());
        assertThat(ThreadPool.taskOf(c)).isNull();
        loop.run(() -> {
            assertThat(t.status()).isEqualTo(TaskStatus.STOPPED);
            t.sync(false);
            t.sync(true);
            assertThat(t.dequeue()).isFalse();
        });
        release.countDown();
        await("idle", () -> pool.diagnose().ongoing() == 0);
        assertThat(j.calls).isEmpty();
        assertThat(j.cleanups.get()).isEqualTo(1);
    }

    @Test
    void case26_dequeueWhileRunning_noFurtherCallNotEvenStopping_cleanedOnWorker_noNotification() {
        FakeLoop loop = loop();
        FakeConnection c = connection(loop);
        ThreadPool pool = pool(1, 1);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Job j = new Job("j");
        Task<Job> t = pool.enqueue(args(c, j, blockThen(entered, release, TaskReturn.CHECKING_IN)), "j");
        await(entered);
        assertThat(loop.call(t::dequeue)).isTrue();
        release.countDown();
        await("cleaned", () -> j.cleanups.get() == 1);
        assertThat(j.calls).containsExactly(TaskStatus.RUNNING);
        assertThat(t.statusNoReap()).isEqualTo(TaskStatus.STOPPED);
        assertThat(j.cleanedOn).isSameAs(j.worker);
        assertThat(j.cleanedWith).isNull();
        loop.drain();
        assertThat(c.writableRequests.get()).isZero();
    }

    @Test
    void case27_dequeueWhileSyncing_workerReleasedPromptly_noFurtherCall_oneCleanup() {
        FakeLoop loop = loop();
        FakeConnection c = connection(loop).writable(false);
        ThreadPool pool = pool(1, 1);
        Job j = new Job("j");
        Task<Job> t = pool.enqueue(args(c, j, script(TaskReturn.SYNC)), "j");
        awaitStatus(t, TaskStatus.SYNCING);
        awaitParked(j);
        long start = System.nanoTime();
        assertThat(loop.call(t::dequeue)).isTrue();
        await("cleaned", () -> j.cleanups.get() == 1);
        System.out.printf("case27: worker released %.2f ms after dequeue%n", (System.nanoTime() - start) / 1e6);
        assertThat(j.calls).hasSize(1);
        assertThat(t.statusNoReap()).isEqualTo(TaskStatus.STOPPED);
    }

    @Test
    void case28_dequeueADoneTask_cleanedSynchronouslyOnceWithLiveConnection() {
        FakeLoop loop = loop();
        FakeConnection c = connection(loop);
        ThreadPool pool = pool(1, 1);
        Job j = new Job("j");
        Task<Job> t = pool.enqueue(args(c, j, script()), "j");
        awaitStatus(t, TaskStatus.FINISHED);
        assertThat(loop.call(t::dequeue)).isFalse();
        assertThat(j.cleanups.get()).isEqualTo(1);
        assertThat(j.cleanedWith).isSameAs(c);
        assertThat(j.cleanedOn).isSameAs(loop.thread());
        assertThat(loop.call(t::dequeue)).isFalse();
        assertThat(j.cleanups.get()).isEqualTo(1);
    }

    @Test
    void case29_dequeueAnOutliveDoneTask_cleanedOncePromptly() {
        FakeLoop loop = loop();
        FakeConnection c = connection(loop);
        ThreadPool pool = pool(1, 1);
        Job j = new Job("j");
        Task<Job> t = pool.enqueue(args(c, j, script(TaskReturn.CHECKING_IN_OUTLIVE)), "j");
        awaitStatus(t, TaskStatus.FINISHED);
        assertThat(loop.call(t::dequeue)).isFalse();
        assertThat(j.cleanups.get()).isEqualTo(1);
        assertThat(pool.diagnose().doneUnreaped()).isZero();
    }
}
