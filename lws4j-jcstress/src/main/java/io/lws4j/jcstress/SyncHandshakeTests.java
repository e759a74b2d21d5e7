package io.lws4j.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.lws4j.internal.pool.TaskRecord;
import io.lws4j.threadpool.TaskReturn;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * jcstress tests of the production halves of the close-vs-SYNC handshake in
 * {@link TaskRecord}: the worker's {@code beginSync} (CAS to SYNCING, then re-read the
 * binding) against the close hook's {@code detachOnClose} (detach, then read the state).
 * State numbers: 1 RUNNING, 2 SYNCING, 3 STOPPING.
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

    /**
     * The pool finishes while the worker enters SYNC: the finisher actor does what
     * {@code PoolCore.finish()} does (write the run state, then stop a SYNCING task).
     */
    @JCStressTest
    @Description("beginSync() vs finish() (run state write, then stop of a SYNCING task)")
    @Outcome(id = "1, 3", expect = ACCEPTABLE, desc = "entered SYNC; finish saw SYNCING and stopped it")
    @Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the worker saw the pool finishing and did not wait")
    @Outcome(id = "0, 3", expect = ACCEPTABLE, desc = "both saw each other: stopped, no wait")
    @Outcome(expect = FORBIDDEN, desc = "the worker would wait in SYNCING through the shutdown")
    @State
    public static class FinishVsBeginSync {
        final TaskRecord<Object> task = new TaskRecord<>(null, new StubConnection(), "t", null,
                (u, s) -> TaskReturn.FINISHED, (c, u) -> { });
        volatile boolean running = true;

        public FinishVsBeginSync() {
            task.state().acquire();
        }

        @Actor
        public void worker(II_Result r) {
            r.r1 = task.beginSync(() -> running) >= 0 ? 1 : 0;
        }

        @Actor
        public void finisher() {
            running = false;
            if (task.state().get() == io.lws4j.internal.pool.TaskState.SYNCING) {
                task.state().requestStop();
            }
        }

        @Arbiter
        public void end(II_Result r) {
            r.r2 = task.state().get();
        }
    }
}
