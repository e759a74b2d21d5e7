package io.lws4j.threadpool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Decided semantics 2 and 9 when a {@link VirtualMachineError} comes from user code that a
 * worker runs while it holds a service loop's lent role (its SYNC's or its end's
 * notification runs {@code onWritable}, and whatever that reaps runs its cleanup, on the
 * worker): the worker's own task still ends {@link TaskStatus#STOPPED} and is cleaned
 * exactly once, nothing stays counted as ongoing, and the error still ends the worker
 * thread (it reaches the thread's uncaught-exception handler), as one thrown by the task
 * function does. The fake connection lends its role to the notifying worker on every
 * notification; {@link VirtualMachineErrorOnLentLoopTest} does the same on a real loop.
 */
class VirtualMachineErrorOnWorkerTest extends PoolTestSupport {

    /** A pool whose workers record what ended them. */
    private ThreadPool recordingPool(int threads, List<Throwable> uncaught) {
        return pool(new CreateArgs(threads, 2).withThreadFactory(r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            t.setUncaughtExceptionHandler((th, e) -> uncaught.add(e));
            return t;
        }));
    }

    @Test
    void onWritableThrowsOnTheWorkerServingItsOwnSync_taskStoppedCleanedOnce_errorEndsTheWorker() {
        FakeLoop loop = loop();
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        ThreadPool pool = recordingPool(1, uncaught);
        StackOverflowError error = new StackOverflowError("simulated, in onWritable");
        AtomicBoolean thrown = new AtomicBoolean();
        List<TaskStatus> seen = new CopyOnWriteArrayList<>();
        Job j = new Job("j");
        FakeConnection c = connection(loop).lendingRole(true).onWritable(conn -> {
            if (Thread.currentThread() == j.worker && thrown.compareAndSet(false, true)) {
                throw error;
            }
            syncResponder(seen).accept(conn);
        });
        Task<Job> t = pool.enqueue(args(c, j, script(TaskReturn.SYNC, TaskReturn.SYNC)), "j");
        await("the error reached the worker's uncaught-exception handler",
                () -> uncaught.contains(error));
        awaitStatus(t, TaskStatus.STOPPED);
        assertThat(t.failure()).isSameAs(error);
        assertThat(j.calls).as("no call after the error").containsExactly(TaskStatus.RUNNING);
        // its end notification, served on the same worker, reaped it with the live connection
        await("cleaned", () -> j.cleanups.get() == 1);
        assertThat(seen).containsExactly(TaskStatus.STOPPED);
        assertThat(j.cleanedWith).isSameAs(c);
        assertThat(j.cleanedOn).isSameAs(j.worker);
        await("the worker exited", () -> !j.worker.isAlive());
        Diagnosis d = pool.diagnose();
        assertThat(d.ongoing()).isZero();
        assertThat(d.possible()).isZero();
        assertThat(d.doneUnreaped()).isZero();
        assertThat(j.cleanups.get()).isEqualTo(1);
    }

    @Test
    void aCleanupReapedOnTheWorkerServingItsSyncThrows_bothTasksCleanedOnce_syncingOneStopped() {
        FakeLoop loop = loop();
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        ThreadPool pool = recordingPool(1, uncaught);
        StackOverflowError error = new StackOverflowError("simulated, in a cleanup");
        AtomicBoolean reaping = new AtomicBoolean();
        List<TaskStatus> seen = new CopyOnWriteArrayList<>();
        FakeConnection c = connection(loop).lendingRole(true).onWritable(conn -> {
            if (reaping.get()) {
                syncResponder(seen).accept(conn);
            }
        });
        AtomicInteger firstCleanups = new AtomicInteger();
        Task<String> first = pool.enqueue(TaskArgs.builder(c, "first",
                (String u, TaskStatus s) -> TaskReturn.FINISHED).cleanup((conn, u) -> {
                    firstCleanups.incrementAndGet();
                    throw error;
                }).build(), "first");
        // its end notification ran onWritable, which left it unreaped
        await("first's onWritable", () -> c.onWritableCalls.get() == 1);
        assertThat(first.statusNoReap()).isEqualTo(TaskStatus.FINISHED);
        reaping.set(true);
        Job j = new Job("second");
        Task<Job> second = pool.enqueue(args(c, j, script(TaskReturn.SYNC)), "second");
        // second's SYNC notification runs onWritable on second's worker: it reaps first (the
        // connection's oldest task), whose cleanup throws there
        await("the error reached the worker's uncaught-exception handler",
                () -> uncaught.contains(error));
        assertThat(firstCleanups.get()).isEqualTo(1);
        awaitStatus(second, TaskStatus.STOPPED);
        assertThat(second.failure()).isSameAs(error);
        await("second cleaned", () -> j.cleanups.get() == 1);
        assertThat(j.cleanedWith).isSameAs(c);
        assertThat(j.calls).containsExactly(TaskStatus.RUNNING);
        await("the worker exited", () -> !j.worker.isAlive());
        assertThat(pool.diagnose().ongoing()).isZero();
        assertThat(firstCleanups.get()).isEqualTo(1);
        assertThat(j.cleanups.get()).isEqualTo(1);
    }

    @Test
    void theTaskFunctionThrowsOnAWorkerThatThenServesItsEnd_reapedWithTheLiveConnection() {
        FakeLoop loop = loop();
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        ThreadPool pool = recordingPool(2, uncaught);
        StackOverflowError error = new StackOverflowError("simulated, in the task function");
        List<TaskStatus> seen = new CopyOnWriteArrayList<>();
        FakeConnection c = connection(loop).lendingRole(true).onWritable(syncResponder(seen));
        Job j = new Job("j");
        Task<Job> t = pool.enqueue(args(c, j, (job, s) -> {
            if (job.calls.size() == 2) {
                throw error;
            }
            return TaskReturn.SYNC;
        }), "j");
        await("the error reached the worker's uncaught-exception handler",
                () -> uncaught.contains(error));
        assertThat(t.statusNoReap()).isEqualTo(TaskStatus.STOPPED);
        assertThat(t.failure()).isSameAs(error);
        assertThat(j.cleanups.get()).isEqualTo(1);
        assertThat(j.cleanedWith).isSameAs(c);
        assertThat(j.cleanedOn).isSameAs(j.worker);
        assertThat(seen).containsExactly(TaskStatus.SYNCING, TaskStatus.STOPPED);
        await("one worker left", () -> pool.diagnose().possible() == 1);
        assertThat(pool.diagnose().ongoing()).isZero();
        Job next = new Job("next");
        Task<Job> t2 = pool.enqueue(args(connection(loop).lendingRole(true)
                .onWritable(syncResponder(seen)), next, script(TaskReturn.SYNC)), "next");
        await("next cleaned", () -> next.cleanups.get() == 1);
        assertThat(t2.statusNoReap()).isEqualTo(TaskStatus.FINISHED);
    }
}
