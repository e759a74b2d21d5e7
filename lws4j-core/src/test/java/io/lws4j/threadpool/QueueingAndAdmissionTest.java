package io.lws4j.threadpool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Spec section 7.1, cases 1 to 6: queueing and admission. */
class QueueingAndAdmissionTest extends PoolTestSupport {

    @Test
    void case01_fifoOrder_tasksStartInEnqueueOrderOneAtATime() {
        FakeLoop loop = loop();
        ThreadPool pool = pool(1, 8);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Job blocker = new Job("B");
        pool.enqueue(args(connection(loop), blocker, blockThen(entered, release, TaskReturn.FINISHED)), "B");
        await(entered);
        List<String> order = new CopyOnWriteArrayList<>();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        List<Job> jobs = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            Job j = new Job("T" + i);
            jobs.add(j);
            pool.enqueue(args(connection(loop), j, (job, s) -> {
                maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                order.add(job.id);
                Thread.sleep(5);
                concurrent.decrementAndGet();
                return TaskReturn.FINISHED;
            }), "T%d", i);
        }
        assertThat(order).isEmpty();
        release.countDown();
        await("all four ran", () -> order.size() == 4);
        assertThat(order).containsExactly("T1", "T2", "T3", "T4");
        assertThat(maxConcurrent.get()).isEqualTo(1);
    }

    @Test
    void case02_depthLimitCountsOnlyWaitingTasks_fifthRefusedThenAcceptedAfterATake() {
        FakeLoop loop = loop();
        ThreadPool pool = pool(2, 2);
        CountDownLatch entered = new CountDownLatch(2);
        CountDownLatch release1 = new CountDownLatch(1);
        CountDownLatch release2 = new CountDownLatch(1);
        pool.enqueue(args(connection(loop), new Job("B1"), blockThen(entered, release1, TaskReturn.FINISHED)), "B1");
        pool.enqueue(args(connection(loop), new Job("B2"), blockThen(entered, release2, TaskReturn.FINISHED)), "B2");
        await(entered);
        CountDownLatch w1 = new CountDownLatch(1);
        CountDownLatch hold = new CountDownLatch(1);
        pool.enqueue(args(connection(loop), new Job("W1"), blockThen(w1, hold, TaskReturn.FINISHED)), "W1");
        pool.enqueue(args(connection(loop), new Job("W2"), script()), "W2");
        assertThat(pool.diagnose().queueDepth()).isEqualTo(2);

        FakeConnection refusedConn = connection(loop);
        Job refused = new Job("R");
        assertThatThrownBy(() -> pool.enqueue(args(refusedConn, refused, script()), "R"))
                .isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("maxQueueDepth 2");
        assertThat(ThreadPool.taskOf(refusedConn)).isNull();
        assertThat(refusedConn.taskSlot()).as("no side effect on the connection").isNull();
        assertThat(refused.cleanups.get()).isZero();
        assertThat(refused.calls).isEmpty();
        assertThat(pool.diagnose().rejected()).isEqualTo(1);

        release1.countDown();
        await(w1); // a worker took W1
        Job late = new Job("L");
        Task<Job> accepted = pool.enqueue(args(connection(loop), late, script()), "L");
        assertThat(accepted).isNotNull();
        hold.countDown();
        release2.countDown();
        await("late task ran", () -> late.calls.size() == 1);
    }

    @Test
    void case03_noRefusalWhileAWorkerIsIdle_threeBackToBackEnqueuesRunOnThreeWorkers() {
        FakeLoop loop = loop();
        ThreadPool pool = pool(3, 1);
        for (int round = 0; round < 20; round++) {
            CountDownLatch entered = new CountDownLatch(3);
            CountDownLatch release = new CountDownLatch(1);
            List<Job> jobs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Job j = new Job("r" + round + "t" + i);
                jobs.add(j);
                pool.enqueue(args(connection(loop), j, blockThen(entered, release, TaskReturn.FINISHED)), j.id);
            }
            await(entered); // all three run at the same time
            assertThat(jobs.stream().map(j -> j.worker).distinct().count()).isEqualTo(3);
            release.countDown();
            await("round done", () -> pool.diagnose().ongoing() == 0);
        }
        assertThat(pool.diagnose().rejected()).isZero();
    }

    @Test
    void case04_configurationIsValidated_andDepthZeroMeansHandOffOnly() {
        assertThatThrownBy(() -> new CreateArgs(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CreateArgs(1, -1)).isInstanceOf(IllegalArgumentException.class);
        FakeLoop loop = loop();
        FakeConnection c = connection(loop);
        assertThatThrownBy(() -> TaskArgs.builder(c, new Job("x"), null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new CreateArgs(1, 0).withSync(java.time.Duration.ZERO,
                java.time.Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);

        ThreadPool pool = pool(1, 0);
        await("worker idle", () -> pool.workerThreads().get(0).getState() == Thread.State.WAITING);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        pool.enqueue(args(c, new Job("handed"), blockThen(entered, release, TaskReturn.FINISHED)), "h");
        await(entered);
        assertThatThrownBy(() -> pool.enqueue(args(connection(loop), new Job("no"), script()), "no"))
                .isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("maxQueueDepth 0");
        release.countDown();
    }

    @Test
    void case04_aConnectionNotMadeByLws4jIsRefusedWithIllegalArgument() {
        ThreadPool pool = pool(1, 1);
        io.lws4j.Connection foreign = (io.lws4j.Connection) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {io.lws4j.Connection.class},
                (p, m, a) -> null);
        assertThatThrownBy(() -> pool.enqueue(TaskArgs.builder(foreign, "u",
                (String u, TaskStatus s) -> TaskReturn.FINISHED).build(), "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void case05_enqueueAfterFinishIsRefused_andNothingIsBound() {
        FakeLoop loop = loop();
        ThreadPool pool = pool(2, 2);
        pool.finish();
        FakeConnection c = connection(loop);
        Job j = new Job("late");
        assertThatThrownBy(() -> pool.enqueue(args(c, j, script()), "late"))
                .isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("finishing");
        assertThat(ThreadPool.taskOf(c)).isNull();
        assertThat(c.taskSlot()).isNull();
        assertThat(j.cleanups.get()).isZero();
    }

    @Test
    void case06_severalTasksPerConnection_listedInEnqueueOrder_firstIsTheOldest() {
        FakeLoop loop = loop();
        ThreadPool pool = pool(1, 4);
        FakeConnection c = connection(loop);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Task<Job> first = pool.enqueue(args(c, new Job("first"), blockThen(entered, release, TaskReturn.FINISHED)), "first");
        Task<Job> second = pool.enqueue(args(c, new Job("second"), script()), "second");
        List<Task<?>> listed = new ArrayList<>();
        boolean stopped = ThreadPool.forEachTask(c, t -> {
            listed.add(t);
            return false;
        });
        assertThat(stopped).isFalse();
        assertThat(listed).containsExactly(first, second);
        assertThat(ThreadPool.taskOf(c)).isSameAs(first);
        assertThat(ThreadPool.forEachTask(c, t -> t == second)).isTrue();
        release.countDown();
    }
}
