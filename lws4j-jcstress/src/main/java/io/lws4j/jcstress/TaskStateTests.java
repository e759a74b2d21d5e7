package io.lws4j.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.lws4j.internal.pool.TaskState;
import java.util.concurrent.TimeUnit;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.ZII_Result;
import org.openjdk.jcstress.infra.results.ZZI_Result;
import org.openjdk.jcstress.infra.results.ZZ_Result;

/**
 * jcstress tests of {@link TaskState}: the task-state compare-and-set and the SYNC handshake.
 * State numbers in outcomes: 0 QUEUED, 1 RUNNING, 2 SYNCING, 3 STOPPING, 4 FINISHED,
 * 5 STOPPED.
 *
 * <p>Not thread-safe: jcstress gives each test instance its own state.
 */
public final class TaskStateTests {
    private TaskStateTests() {
    }

    /** A worker taking a queued task races a dequeue/close/finish cancelling it. */
    @JCStressTest
    @Description("acquire() vs cancelQueued() on a QUEUED task: exactly one wins")
    @Outcome(id = "true, false, 1", expect = ACCEPTABLE, desc = "the worker took it: RUNNING")
    @Outcome(id = "false, true, 5", expect = ACCEPTABLE, desc = "cancelled before any call: STOPPED")
    @Outcome(expect = FORBIDDEN, desc = "both or neither won: the task would run twice or leak")
    @State
    public static class AcquireVsCancel {
        final TaskState s = new TaskState();

        @Actor
        public void worker(ZZI_Result r) {
            r.r1 = s.acquire();
        }

        @Actor
        public void canceller(ZZI_Result r) {
            r.r2 = s.cancelQueued();
        }

        @Arbiter
        public void end(ZZI_Result r) {
            r.r3 = s.get();
        }
    }

    /** sync(false) and sync(true) race on a SYNCING task. */
    @JCStressTest
    @Description("acknowledge() vs requestStop() on a SYNCING task")
    @Outcome(id = "true, 1, 3", expect = ACCEPTABLE,
            desc = "acknowledged first (left SYNCING), then the stop hit the RUNNING task: STOPPING")
    @Outcome(id = "false, 2, 3", expect = ACCEPTABLE,
            desc = "the stop won; the acknowledgement found no SYNC to end: STOPPING")
    @Outcome(expect = FORBIDDEN, desc = "both left SYNCING, or the stop was lost")
    @State
    public static class AcknowledgeVsStop {
        final TaskState s = new TaskState();

        public AcknowledgeVsStop() {
            s.acquire();
            s.enterSync();
        }

        @Actor
        public void service(ZII_Result r) {
            r.r1 = s.acknowledge();
        }

        @Actor
        public void stopper(ZII_Result r) {
            r.r2 = s.requestStop();
        }

        @Arbiter
        public void end(ZII_Result r) {
            r.r3 = s.get();
        }
    }

    /** sync(true) / dequeue races the worker completing the task. */
    @JCStressTest
    @Description("requestStop() vs complete(FINISHED) on a RUNNING task: terminal is absorbing")
    @Outcome(id = "4, 1, 4", expect = ACCEPTABLE,
            desc = "stop first (STOPPING), then the task's own FINISHED return ends it FINISHED")
    @Outcome(id = "4, 4, 4", expect = ACCEPTABLE,
            desc = "completion first; the late stop sees FINISHED and changes nothing")
    @Outcome(expect = FORBIDDEN, desc = "a terminal state was left, or the stop was lost")
    @State
    public static class StopVsCompletion {
        final TaskState s = new TaskState();

        public StopVsCompletion() {
            s.acquire();
        }

        @Actor
        public void worker(III_Result r) {
            r.r1 = s.complete(TaskState.FINISHED);
        }

        @Actor
        public void stopper(III_Result r) {
            r.r2 = s.requestStop();
        }

        @Arbiter
        public void end(III_Result r) {
            r.r3 = s.get();
        }
    }

    /** The sync budget runs out just as the late acknowledgement arrives. */
    @JCStressTest
    @Description("abandonSync() vs acknowledge() on a SYNCING task: exactly one ends the wait")
    @Outcome(id = "true, false, 3", expect = ACCEPTABLE, desc = "budget won: STOPPING, no further call")
    @Outcome(id = "false, true, 1", expect = ACCEPTABLE, desc = "acknowledged in time: RUNNING")
    @Outcome(expect = FORBIDDEN, desc = "both or neither ended the wait")
    @State
    public static class AbandonVsAcknowledge {
        final TaskState s = new TaskState();

        public AbandonVsAcknowledge() {
            s.acquire();
            s.enterSync();
        }

        @Actor
        public void worker(ZZI_Result r) {
            r.r1 = s.abandonSync();
        }

        @Actor
        public void service(ZZI_Result r) {
            r.r2 = s.acknowledge();
        }

        @Arbiter
        public void end(ZZI_Result r) {
            r.r3 = s.get();
        }
    }

    /** Two acknowledgements of one SYNC (a duplicate writable callback): one report only. */
    @JCStressTest
    @Description("two acknowledge() calls on one SYNC: exactly one succeeds")
    @Outcome(id = "true, false", expect = ACCEPTABLE, desc = "the first ended the SYNC")
    @Outcome(id = "false, true", expect = ACCEPTABLE, desc = "the second ended the SYNC")
    @Outcome(expect = FORBIDDEN, desc = "the same SYNC was acknowledged twice, or not at all")
    @State
    public static class DuplicateAcknowledge {
        final TaskState s = new TaskState();

        public DuplicateAcknowledge() {
            s.acquire();
            s.enterSync();
        }

        @Actor
        public void first(ZZ_Result r) {
            r.r1 = s.acknowledge();
        }

        @Actor
        public void second(ZZ_Result r) {
            r.r2 = s.acknowledge();
        }
    }

    /** sync(false) racing the worker on its way into the park: no lost wake-up. */
    @JCStressTest
    @Description("worker enterSync()+awaitSyncEnd() vs service acknowledge(): the worker always wakes")
    @Outcome(id = "true, true", expect = ACCEPTABLE,
            desc = "the acknowledgement ended the wait (before or during the park)")
    @Outcome(expect = FORBIDDEN, desc = "the worker timed out: a lost wake-up")
    @State
    public static class AcknowledgeWakesParkingWorker {
        final TaskState s = new TaskState();

        @Actor
        public void worker(ZZ_Result r) {
            s.acquire();
            s.enterSync();
            r.r1 = s.awaitSyncEnd(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        }

        @Actor
        public void service(ZZ_Result r) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            boolean acked = false;
            while (!acked && System.nanoTime() - deadline < 0) {
                acked = s.acknowledge(); // the SYNC report may not have happened yet
                if (!acked) {
                    Thread.onSpinWait();
                }
            }
            r.r2 = acked;
        }
    }
}
