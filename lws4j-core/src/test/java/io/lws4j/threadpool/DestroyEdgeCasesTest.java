package io.lws4j.threadpool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * {@link ThreadPool#destroy()} at its edges: concurrent callers, a caller that is one of
 * the pool's own workers or the destroying thread itself, and the interrupt that destroy
 * sends to a task that outlives the grace period.
 */
class DestroyEdgeCasesTest extends PoolTestSupport {

    @Test
    void concurrentDestroys_everyCallerReturnsOnlyOnceTheWorkersAreJoined() throws Exception {
        FakeLoop loop = loop();
        ThreadPool pool = pool(new CreateArgs(1, 1).withShutdownGrace(Duration.ofSeconds(30)));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Job j = new Job("busy");
        pool.enqueue(args(connection(loop), j, blockThen(entered, release, TaskReturn.FINISHED)),
                "busy");
        await(entered);
        Thread worker = j.worker;
        List<Boolean> workerAliveOnReturn = new CopyOnWriteArrayList<>();
        List<List<String>> returned = new CopyOnWriteArrayList<>();
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Thread caller = new Thread(() -> {
                returned.add(pool.destroy());
                workerAliveOnReturn.add(worker.isAlive());
            }, "destroyer-" + i);
            callers.add(caller);
            caller.start();
        }
        await("both callers waiting in destroy() or returned", () -> callers.stream()
                .allMatch(t -> !t.isAlive() || t.getState() == Thread.State.WAITING
                        || t.getState() == Thread.State.TIMED_WAITING));
        Thread.sleep(100); // not a timing goal: a caller that does not wait returns meanwhile
        assertThat(workerAliveOnReturn).as("callers returned while the worker ran").isEmpty();
        release.countDown();
        for (Thread caller : callers) {
            caller.join(LIVENESS.toMillis());
            assertThat(caller.isAlive()).as(caller.getName() + " returned").isFalse();
        }
        assertThat(workerAliveOnReturn).containsExactly(false, false);
        assertThat(returned).containsExactly(List.of(), List.of());
        assertThat(j.cleanups.get()).isEqualTo(1);
        assertThat(pool.isTerminated()).isTrue();
    }

    @Test
    void destroyFromATaskOnItsOwnWorker_doesNotWaitForItself_theTaskStopsAndIsCleanedOnce()
            throws Exception {
        FakeLoop loop = loop();
        // a self-join would hold destroy() for the whole grace period, far beyond LIVENESS
        ThreadPool pool = pool(new CreateArgs(2, 1).withShutdownGrace(Duration.ofSeconds(60)));
        FakeConnection c = connection(loop); // its onWritable reaps nothing
        Job j = new Job("self");
        AtomicReference<List<String>> stuck = new AtomicReference<>();
        Task<Job> t = pool.enqueue(args(c, j, (job, s) -> {
            if (s == TaskStatus.STOPPING) {
                return TaskReturn.STOPPED;
            }
            stuck.set(pool.destroy());
            return TaskReturn.CHECKING_IN;
        }), "self");
        await("destroy() returned on the worker", () -> stuck.get() != null);
        assertThat(stuck.get()).isEmpty();
        // nobody reaps it and its connection stays open: its worker cleans it
        await("cleaned", () -> j.cleanups.get() == 1);
        assertThat(j.calls).containsExactly(TaskStatus.RUNNING, TaskStatus.STOPPING);
        assertThat(j.cleanedWith).isNull();
        assertThat(j.cleanedOn).isSameAs(j.worker);
        assertThat(t.statusNoReap()).isEqualTo(TaskStatus.STOPPED);
        assertThat(t.connection()).isNull();
        assertThat(pool.awaitTermination(LIVENESS)).isTrue();
        assertThat(pool.diagnose().doneUnreaped()).isZero();
        assertThat(pool.destroy()).isEmpty();
        assertThat(j.cleanups.get()).isEqualTo(1);
    }

    @Test
    void destroyFromACleanupThatDestroyRuns_returnsAtOnce() {
        FakeLoop loop = loop();
        ThreadPool pool = pool(new CreateArgs(1, 1).withShutdownGrace(Duration.ofSeconds(60)));
        AtomicReference<List<String>> inner = new AtomicReference<>();
        TaskArgs<String> reentrant = TaskArgs.builder(connection(loop), "reentrant",
                (String u, TaskStatus s) -> TaskReturn.FINISHED)
                .cleanup((conn, u) -> inner.set(pool.destroy()))
                .build();
        Task<String> t = pool.enqueue(reentrant, "reentrant");
        awaitStatus(t, TaskStatus.FINISHED); // unreaped: destroy() cleans it
        long start = System.nanoTime();
        assertThat(pool.destroy()).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(LIVENESS);
        assertThat(inner.get()).isEmpty();
    }

    @Test
    void aTaskInterruptedByDestroy_itsCleanupOnTheWorkerDoesNotSeeTheInterrupt() {
        FakeLoop loop = loop();
        ThreadPool pool = pool(new CreateArgs(1, 1).withShutdownGrace(Duration.ofMillis(100)));
        CountDownLatch entered = new CountDownLatch(1);
        AtomicReference<Boolean> taskLeftInterrupted = new AtomicReference<>();
        AtomicReference<Boolean> cleanupSawInterrupt = new AtomicReference<>();
        AtomicReference<Thread> worker = new AtomicReference<>();
        AtomicReference<Thread> cleanedOn = new AtomicReference<>();
        AtomicReference<Task<String>> self = new AtomicReference<>();
        TaskArgs<String> stubborn = TaskArgs.builder(connection(loop), "stubborn",
                (String u, TaskStatus s) -> {
                    worker.set(Thread.currentThread());
                    entered.countDown();
                    while (!Thread.currentThread().isInterrupted()) {
                        LockSupport.parkNanos(1_000_000); // keeps the interrupt status
                    }
                    while (self.get().connection() != null) {
                        Thread.onSpinWait(); // destroy() detaches it right after the interrupt
                    }
                    taskLeftInterrupted.set(Thread.currentThread().isInterrupted());
                    return TaskReturn.STOPPED; // with the interrupt status still set
                }).cleanup((conn, u) -> {
                    cleanedOn.set(Thread.currentThread());
                    cleanupSawInterrupt.set(Thread.currentThread().isInterrupted());
                }).build();
        self.set(pool.enqueue(stubborn, "stubborn"));
        await(entered);
        List<String> stuck = pool.destroy();
        assertThat(stuck).hasSize(1);
        assertThat(stuck.get(0)).contains("stubborn");
        await("cleaned", () -> cleanupSawInterrupt.get() != null);
        assertThat(taskLeftInterrupted.get()).as("the task returned interrupted").isTrue();
        assertThat(cleanedOn.get()).isSameAs(worker.get());
        assertThat(cleanupSawInterrupt.get()).as("the cleanup saw the task's interrupt").isFalse();
    }
}
