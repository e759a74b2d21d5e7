package io.lws4j.threadpool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** Spec sections 7.2 and 7.3, cases 7 to 16: the normal lifecycle and SYNC. */
class LifecycleAndSyncTest extends PoolTestSupport {

    @Test
    void case07_checkInTwiceThenFinish_threeRunningCalls_oneNotification_reapedWithLiveConnection() {
        FakeLoop loop = loop();
        List<TaskStatus> seen = new CopyOnWriteArrayList<>();
        FakeConnection c = connection(loop).onWritable(syncResponder(seen));
        ThreadPool pool = pool(1, 1);
        Job j = new Job("j");
        pool.enqueue(args(c, j, script(TaskReturn.CHECKING_IN, TaskReturn.CHECKING_IN)), "j");
        await("reaped", () -> j.cleanups.get() == 1);
        loop.drain();
        assertThat(j.calls).containsExactly(TaskStatus.RUNNING, TaskStatus.RUNNING, TaskStatus.RUNNING);
        assertThat(seen).containsExactly(TaskStatus.FINISHED);
        assertThat(c.writableRequests.get()).isEqualTo(1);
        assertThat(j.cleanedWith).isSameAs(c);
        assertThat(j.cleanedOn).isSameAs(loop.thread());
        assertThat(ThreadPool.taskOf(c)).isNull();
        assertThat(j.cleanups.get()).isEqualTo(1);
    }

    @Test
    void case08_statusQueriesOnLiveTasksHaveNoSideEffects() {
        FakeLoop loop = loop();
        ThreadPool pool = pool(1, 2);
        FakeConnection running = connection(loop);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Job r = new Job("running");
        Task<Job> rt = pool.enqueue(args(running, r, (j, s) -> {
            if (j.calls.size() == 1) {
                entered.countDown();
                release.await(30, TimeUnit.SECONDS);
                j.output = "sync";
                return TaskReturn.SYNC;
            }
            return TaskReturn.FINISHED;
        }), "running");
        FakeConnection queuedConn = connection(loop);
        Job q = new Job("queued");
        Task<Job> qt = pool.enqueue(args(queuedConn, q, script()), "queued");
        await(entered);
        for (int i = 0; i < 3; i++) {
            assertThat(loop.call(qt::status)).isEqualTo(TaskStatus.QUEUED);
            assertThat(loop.call(rt::status)).isEqualTo(TaskStatus.RUNNING);
            assertThat(qt.user()).isSameAs(q);
            assertThat(rt.user()).isSameAs(r);
        }
        running.writable(false);
        release.countDown();
        awaitStatus(rt, TaskStatus.SYNCING);
        for (int i = 0; i < 3; i++) {
            assertThat(loop.call(rt::status)).isEqualTo(TaskStatus.SYNCING);
            assertThat(rt.statusNoReap()).isEqualTo(TaskStatus.SYNCING);
        }
        assertThat(r.cleanups.get() + q.cleanups.get()).isZero();
        assertThat(ThreadPool.taskOf(running)).isSameAs(rt);
        assertThat(ThreadPool.taskOf(queuedConn)).isSameAs(qt);
        loop.run(() -> rt.sync(false));
    }

    @Test
    void case09_unknownReturnCodes_nullIsTreatedAsCheckIn_fourCallsThenFinished() {
        FakeLoop loop = loop();
        ThreadPool pool = pool(1, 1);
        Job j = new Job("j");
        Task<Job> t = pool.enqueue(args(connection(loop), j, (job, s) ->
                job.calls.size() <= 3 ? null : TaskReturn.FINISHED), "j");
        awaitStatus(t, TaskStatus.FINISHED);
        assertThat(j.calls).hasSize(4).containsOnly(TaskStatus.RUNNING);
    }

    @Test
    void case10_outliveIsLatched_laterPlainCheckInStillTakesTheOutlivePathOnDequeue() {
        FakeLoop loop = loop();
        FakeConnection c = connection(loop);
        ThreadPool pool = pool(1, 1);
        CountDownLatch second = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Job j = new Job("j");
        Task<Job> t = pool.enqueue(args(c, j, (job, s) -> {
            int n = job.calls.size();
            if (n == 1) {
                return TaskReturn.CHECKING_IN_OUTLIVE;
            }
            if (n == 2) {
                second.countDown();
                release.await(30, TimeUnit.SECONDS);
            }
            return TaskReturn.CHECKING_IN;
        }), "j");
        await(second);
        assertThat(loop.call(t::dequeue)).isTrue();
        release.countDown();
        await("cleaned", () -> j.cleanups.get() == 1);
        // a non-OUTLIVE task dequeued while running gets no further call (case 26)
        assertThat(j.calls).containsExactly(TaskStatus.RUNNING, TaskStatus.RUNNING, TaskStatus.STOPPING);
        assertThat(j.cleanedWith).isNull();
    }

    @Test
    void case11_syncAndResume_calledAgainWithRunning_syncTimeBoundedByTheAckDelay() {
        FakeLoop loop = loop();
        AtomicLong syncReturnedAt = new AtomicLong();
        AtomicLong ackedAt = new AtomicLong();
        List<TaskStatus> seen = new CopyOnWriteArrayList<>();
        FakeConnection c = connection(loop);
        c.onWritable(conn -> {
            Task<?> t = ThreadPool.taskOf(conn);
            if (t == null) {
                return;
            }
            TaskStatus s = t.status();
            seen.add(s);
            if (s == TaskStatus.SYNCING) {
                conn.writeText(((Job) t.user()).output);
                ackedAt.set(System.nanoTime());
                t.sync(false);
            }
        });
        ThreadPool pool = pool(1, 1);
        Job j = new Job("j");
        Task<Job> t = pool.enqueue(args(c, j, (job, s) -> {
            if (job.calls.size() == 1) {
                job.output = "first output";
                syncReturnedAt.set(System.nanoTime());
                return TaskReturn.SYNC;
            }
            return TaskReturn.FINISHED;
        }), "j");
        await("reaped", () -> j.cleanups.get() == 1);
        loop.drain(); // the responder records after status() returned
        assertThat(j.calls).containsExactly(TaskStatus.RUNNING, TaskStatus.RUNNING);
        assertThat(seen).containsExactly(TaskStatus.SYNCING, TaskStatus.FINISHED);
        assertThat(c.written).containsExactly("first output");
        long synced = t.record().syncNanos();
        assertThat(synced).isPositive();
        // the wait cannot be longer than from SYNC's return to just after the ack
        assertThat(synced).isLessThanOrEqualTo(System.nanoTime() - syncReturnedAt.get());
        assertThat(ackedAt.get()).isGreaterThan(syncReturnedAt.get());
    }

    @Test
    void case12_syncWithStop_endsStoppedWithoutAnotherCall_reapedWithLiveConnection() {
        FakeLoop loop = loop();
        List<TaskStatus> seen = new CopyOnWriteArrayList<>();
        FakeConnection c = connection(loop).onWritable(conn -> {
            Task<?> t = ThreadPool.taskOf(conn);
            if (t != null) {
                TaskStatus s = t.status();
                seen.add(s);
                if (s == TaskStatus.SYNCING) {
                    t.sync(true);
                }
            }
        });
        ThreadPool pool = pool(1, 1);
        Job j = new Job("j");
        pool.enqueue(args(c, j, script(TaskReturn.SYNC, TaskReturn.CHECKING_IN)), "j");
        await("reaped", () -> j.cleanups.get() == 1);
        loop.drain(); // the responder records after status() returned
        assertThat(j.calls).containsExactly(TaskStatus.RUNNING);
        assertThat(seen).containsExactly(TaskStatus.SYNCING, TaskStatus.STOPPED);
        assertThat(j.cleanedWith).isSameAs(c);
        assertThat(j.cleanedOn).isSameAs(loop.thread());
    }

    @Test
    void case13_atMostOneSyncingReportPerOutput_evenWithExtraWakeupsBeforeTheWorkerResumes() {
        FakeLoop loop = loop();
        // An output once acknowledged must never be reported SYNCING again. A query right
        // after sync(false) may legitimately see the NEXT output's SYNCING when the worker
        // is quick, so the check is per output, not a count of SYNCING answers.
        List<String> acknowledged = new CopyOnWriteArrayList<>();
        List<String> reportedAgainAfterAck = new CopyOnWriteArrayList<>();
        CountDownLatch resumeGate = new CountDownLatch(1);
        FakeConnection c = connection(loop);
        c.onWritable(conn -> {
            Task<?> t = ThreadPool.taskOf(conn);
            if (t == null) {
                return;
            }
            if (t.status() == TaskStatus.SYNCING) {
                String output = ((Job) t.user()).output;
                if (acknowledged.contains(output)) {
                    reportedAgainAfterAck.add(output);
                }
                conn.writeText(output);
                t.sync(false);
                acknowledged.add(output);
                // more wake-ups and queries before the worker resumes
                if (t.status() == TaskStatus.SYNCING
                        && acknowledged.contains(((Job) t.user()).output)) {
                    reportedAgainAfterAck.add(((Job) t.user()).output);
                }
                conn.callbackOnWritable();
                conn.callbackOnWritable();
            }
        });
        ThreadPool pool = pool(1, 1);
        Job j = new Job("j");
        pool.enqueue(args(c, j, (job, s) -> {
            int n = job.calls.size();
            if (n == 2) {
                resumeGate.await(30, TimeUnit.SECONDS);
            }
            if (n <= 3) {
                job.output = "out " + n;
                return TaskReturn.SYNC;
            }
            return TaskReturn.FINISHED;
        }), "j");
        await("second call started", () -> j.calls.size() == 2);
        loop.drain();
        loop.run(c::callbackOnWritable);
        loop.drain();
        resumeGate.countDown();
        await("reaped", () -> j.cleanups.get() == 1);
        loop.drain(); // the responder records after status() returned
        assertThat(c.written).containsExactly("out 1", "out 2", "out 3");
        assertThat(acknowledged).containsExactly("out 1", "out 2", "out 3");
        assertThat(reportedAgainAfterAck).as("outputs reported SYNCING after their ack").isEmpty();
    }

    @Test
    void case14_acknowledgementsAreNotBanked_nextSyncStillWaits() throws Exception {
        FakeLoop loop = loop();
        FakeConnection c = connection(loop).writable(false);
        ThreadPool pool = pool(1, 1);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Job j = new Job("j");
        Task<Job> t = pool.enqueue(args(c, j, (job, s) -> {
            if (job.calls.size() == 1) {
                entered.countDown();
                release.await(30, TimeUnit.SECONDS);
                return TaskReturn.SYNC;
            }
            return TaskReturn.FINISHED;
        }), "j");
        await(entered);
        loop.run(() -> t.sync(false)); // not syncing: no effect
        assertThat(t.statusNoReap()).isEqualTo(TaskStatus.RUNNING);
        release.countDown();
        awaitStatus(t, TaskStatus.SYNCING);
        Thread.sleep(100);
        assertThat(t.statusNoReap()).isEqualTo(TaskStatus.SYNCING);
        assertThat(j.calls).hasSize(1);
        loop.run(() -> t.sync(false));
        awaitStatus(t, TaskStatus.FINISHED);
        assertThat(j.calls).hasSize(2);
    }

    @Test
    void case15_syncBudgetRunsOut_oneWritableRequestPerTry_stoppedDetachedCleanedWithNull() {
        FakeLoop loop = loop();
        FakeConnection c = connection(loop).writable(false);
        int tries = 4;
        Duration perTry = Duration.ofMillis(50);
        ThreadPool pool = pool(new CreateArgs(1, 1).withSync(perTry.multipliedBy(tries), perTry));
        Job j = new Job("j");
        long start = System.nanoTime();
        Task<Job> t = pool.enqueue(args(c, j, script(TaskReturn.SYNC)), "j");
        await("cleaned", () -> j.cleanups.get() == 1);
        long elapsed = System.nanoTime() - start;
        assertThat(elapsed).isGreaterThanOrEqualTo(perTry.multipliedBy(tries).toNanos());
        assertThat(t.statusNoReap()).isEqualTo(TaskStatus.STOPPED);
        assertThat(j.calls).hasSize(1);
        assertThat(j.cleanedWith).isNull();
        assertThat(j.cleanedOn).isSameAs(j.worker);
        assertThat(t.connection()).isNull();
        assertThat(ThreadPool.taskOf(c)).isNull();
        assertThat(t.record().lateSyncs()).isEqualTo(tries);
        loop.drain();
        // one request at SYNC, then one per wake-up at a try boundary: tries in all on an
        // idle machine, fewer when the worker oversleeps a boundary, never more
        assertThat(c.writableRequests.get()).isBetween(1, tries);
        Diagnosis d = pool.diagnose();
        assertThat(d.lateSyncs()).isEqualTo(tries);
        assertThat(d.abandonedSyncs()).isEqualTo(1);
        assertThat(d.syncWaits()).isEqualTo(1);
        System.out.printf("case15: budget %d ms gave up after %d ms%n",
                perTry.multipliedBy(tries).toMillis(), TimeUnit.NANOSECONDS.toMillis(elapsed));
    }

    @Test
    void case16_spuriousWakeupsDoNotResumeASyncingTask() throws Exception {
        FakeLoop loop = loop();
        FakeConnection c = connection(loop).writable(false);
        ThreadPool pool = pool(1, 1);
        Job j = new Job("j");
        Task<Job> t = pool.enqueue(args(c, j, script(TaskReturn.SYNC)), "j");
        awaitStatus(t, TaskStatus.SYNCING);
        awaitParked(j);
        for (int i = 0; i < 50; i++) {
            LockSupport.unpark(j.worker);
            Thread.sleep(1);
        }
        assertThat(t.statusNoReap()).isEqualTo(TaskStatus.SYNCING);
        assertThat(j.calls).hasSize(1);
        loop.run(() -> t.sync(false));
        awaitStatus(t, TaskStatus.FINISHED);
        assertThat(j.calls).hasSize(2);
    }
}
