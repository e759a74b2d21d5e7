package io.lws4j.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.lws4j.internal.pool.PoolCore;
import io.lws4j.internal.pool.StressTestPools;
import io.lws4j.internal.pool.TaskRecord;
import io.lws4j.internal.pool.TaskState;
import io.lws4j.threadpool.CreateArgs;
import io.lws4j.threadpool.TaskReturn;
import io.lws4j.threadpool.TaskStatus;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * jcstress tests of the production halves of the SYNC handshake: the worker's
 * {@code beginSync} (CAS to SYNCING, then re-read the binding) against the close hook's
 * {@code detachOnClose} and the real {@link PoolCore#finish()}; the service side's
 * {@link PoolCore#status} and {@link PoolCore#sync} (an acknowledgement releases only the SYNC
 * a status query observed) against the worker entering its next SYNC; and the write an
 * acknowledgement hands to the worker, against the worker giving up its wait. The pool-level
 * tests use a pool whose worker slot has no thread ({@link StressTestPools}): the actor
 * threads play the worker and the service thread. State numbers: 1 RUNNING, 2 SYNCING,
 * 3 STOPPING.
 *
 * <p>Not thread-safe: jcstress gives each test instance its own state.
 */
public final class SyncHandshakeTests {
    private SyncHandshakeTests() {
    }

    /** The connection closes while the worker enters SYNC (the race fixed in 2026-11). */
    @JCStressTest
    @Description("beginSync() vs detachOnClose(): a worker never waits on a closed connection unwoken")
    @Outcome(id = "1, 3, 3", expect = ACCEPTABLE,
            desc = "worker entered SYNC first; the close saw SYNCING and stopped it (the wait ends at once)")
    @Outcome(id = "0, 1, 1", expect = ACCEPTABLE,
            desc = "the worker saw the detach and did not wait; its next call is the STOPPING call")
    @Outcome(id = "0, 3, 3", expect = ACCEPTABLE,
            desc = "both saw each other: the close stopped it and the worker did not wait")
    @Outcome(expect = FORBIDDEN, desc = "the worker would wait in SYNCING with nobody left to wake it")
    @State
    public static class CloseVsBeginSync {
        final TaskRecord<Object> task = new TaskRecord<>(null, new StubConnection(), "t", null,
                (u, s) -> TaskReturn.FINISHED, (c, u) -> { });

        public CloseVsBeginSync() {
            task.state().acquire();
        }

        @Actor
        public void worker(III_Result r) {
            r.r1 = task.beginSync(() -> true) >= 0 ? 1 : 0;
        }

        @Actor
        public void closer(III_Result r) {
            r.r2 = task.detachOnClose(false);
        }

        @Arbiter
        public void end(III_Result r) {
            r.r3 = task.state().get();
        }
    }

    private static final CreateArgs ONE_WORKER = new CreateArgs(1, 1);

    /** The pool finishes ({@link PoolCore#finish()} itself) while the worker enters SYNC. */
    @JCStressTest
    @Description("beginSync() vs finish() (run state write, then stop of a SYNCING task)")
    @Outcome(id = "1, 3", expect = ACCEPTABLE, desc = "entered SYNC; finish saw SYNCING and stopped it")
    @Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the worker saw the pool finishing and did not wait")
    @Outcome(id = "0, 3", expect = ACCEPTABLE, desc = "both saw each other: stopped, no wait")
    @Outcome(expect = FORBIDDEN, desc = "the worker would wait in SYNCING through the shutdown")
    @State
    public static class FinishVsBeginSync {
        final StressTestPools.TakenTask taken =
                StressTestPools.withTakenTask(ONE_WORKER, new StubConnection());
        final PoolCore pool = taken.pool();
        final TaskRecord<Object> task = taken.task();

        @Actor
        public void worker(II_Result r) {
            r.r1 = task.beginSync(() -> !pool.isShutdown()) >= 0 ? 1 : 0;
        }

        @Actor
        public void finisher() {
            pool.finish();
        }

        @Arbiter
        public void end(II_Result r) {
            r.r2 = task.state().get();
        }
    }

    /**
     * The service thread looks at the task and acknowledges what it saw while the worker
     * enters SYNC: an acknowledgement follows the observation, never the state.
     */
    @JCStressTest
    @Description("status()+sync(false) vs beginSync(): only an observed SYNC is released, and it is")
    @Outcome(id = "1, 1, 2", expect = ACCEPTABLE,
            desc = "the service looked before the SYNC (RUNNING): the SYNC still waits")
    @Outcome(id = "1, 2, 1", expect = ACCEPTABLE,
            desc = "the service saw SYNCING and acknowledged it: RUNNING again")
    @Outcome(id = "1, 2, 2", expect = FORBIDDEN, desc = "an acknowledgement of the observed SYNC was lost")
    @Outcome(id = "1, 1, 1", expect = FORBIDDEN, desc = "a SYNC nobody saw was released")
    @Outcome(expect = FORBIDDEN, desc = "anything else")
    @State
    public static class ObserveAndAcknowledgeVsBeginSync {
        final StressTestPools.TakenTask taken =
                StressTestPools.withTakenTask(ONE_WORKER, new StubConnection());
        final PoolCore pool = taken.pool();
        final TaskRecord<Object> task = taken.task();

        @Actor
        public void worker(III_Result r) {
            r.r1 = task.beginSync(() -> !pool.isShutdown()) >= 0 ? 1 : 0;
        }

        @Actor
        public void service(III_Result r) {
            TaskStatus s = pool.status(task);
            r.r2 = s.ordinal();
            if (s == TaskStatus.SYNCING) {
                pool.sync(task, false);
            }
        }

        @Arbiter
        public void end(III_Result r) {
            r.r3 = task.state().get();
        }
    }

    /**
     * SYNC 1 was observed; the service acknowledges it twice (a late duplicate, the lws "lost
     * positions") while the released worker enters SYNC 2, which nobody has observed.
     */
    @JCStressTest
    @Description("sync(false) twice for SYNC 1 vs the worker entering SYNC 2: SYNC 2 is never released")
    @Outcome(id = "2, 2", expect = ACCEPTABLE,
            desc = "the worker saw the release and entered SYNC 2; the duplicate was ignored")
    @Outcome(id = "0, 1", expect = ACCEPTABLE,
            desc = "the worker looked before the release: no SYNC 2, RUNNING")
    @Outcome(id = "2, 1", expect = FORBIDDEN,
            desc = "the duplicate acknowledgement released SYNC 2 before anyone saw its output")
    @Outcome(expect = FORBIDDEN, desc = "anything else")
    @State
    public static class DuplicateAcknowledgementVsNextSync {
        final StressTestPools.TakenTask taken =
                StressTestPools.withTakenTask(ONE_WORKER, new StubConnection());
        final PoolCore pool = taken.pool();
        final TaskRecord<Object> task = taken.task();

        public DuplicateAcknowledgementVsNextSync() {
            task.beginSync(() -> true);
            pool.status(task); // SYNC 1 observed
        }

        @Actor
        public void worker(II_Result r) {
            if (task.state().get() == TaskState.RUNNING) {
                r.r1 = (int) task.beginSync(() -> true);
            }
        }

        @Actor
        public void service() {
            pool.sync(task, false);
            pool.sync(task, false);
        }

        @Arbiter
        public void end(II_Result r) {
            r.r2 = task.state().get();
        }
    }

    /**
     * The acknowledgement hands its write to the worker, while the worker's budget runs out:
     * whichever ends the wait, the write runs exactly once (by the worker, or by the answerer
     * that lost the CAS and took it back). The task's registered worker is the thread that
     * made the state, which jcstress sometimes does on the answerer's thread: that answerer
     * is the worker answering its own SYNC, which hands nothing over (second result -1).
     */
    @JCStressTest
    @Description("sync(false) handing its write vs the worker abandoning the wait: the write runs once")
    @Outcome(id = "0, 1, 1, 1", expect = ACCEPTABLE,
            desc = "acknowledged: the worker ran the handed write; RUNNING")
    @Outcome(id = "1, 1, 1, 3", expect = ACCEPTABLE,
            desc = "the budget ran out after the write was handed: it ran once; STOPPING")
    @Outcome(id = "1, 0, 0, 3", expect = ACCEPTABLE,
            desc = "the budget ran out before the answer: nothing handed; STOPPING")
    @Outcome(id = "0, -1, 0, 1", expect = ACCEPTABLE,
            desc = "the worker's own thread acknowledged: nothing handed; RUNNING")
    @Outcome(id = "1, -1, 0, 3", expect = ACCEPTABLE,
            desc = "the worker's own thread answered after the budget ran out: STOPPING")
    @Outcome(expect = FORBIDDEN, desc = "a handed write lost or run twice")
    @State
    public static class HandedWriteVsAbandonedWait {
        final AtomicInteger writes = new AtomicInteger();
        final StubConnection connection = new StubConnection(writes::incrementAndGet);
        final StressTestPools.TakenTask taken =
                StressTestPools.withTakenTask(ONE_WORKER, connection);
        final PoolCore pool = taken.pool();
        final TaskRecord<Object> task = taken.task();
        boolean selfAnswer;

        public HandedWriteVsAbandonedWait() {
            task.beginSync(() -> true);
            pool.status(task); // observed: the answer below acknowledges it
        }

        @Actor
        public void worker(IIII_Result r) {
            r.r1 = task.state().abandonSync() ? 1 : 0;
            task.runHandedWrite(); // the worker's step after its wait, whatever ended it
        }

        @Actor
        public void answerer(IIII_Result r) {
            selfAnswer = task.state().isWorker(Thread.currentThread());
            pool.sync(task, false);
        }

        @Arbiter
        public void end(IIII_Result r) {
            r.r2 = selfAnswer ? -1 : connection.claims();
            r.r3 = writes.get();
            r.r4 = task.state().get();
        }
    }
}
