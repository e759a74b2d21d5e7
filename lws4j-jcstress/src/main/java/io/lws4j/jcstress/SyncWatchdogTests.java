package io.lws4j.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.lws4j.internal.pool.SyncWatchdog;
import io.lws4j.internal.pool.TaskState;
import java.util.concurrent.TimeUnit;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZ_Result;

/**
 * jcstress tests of the handshakes of {@link SyncWatchdog}: a worker arming its try
 * boundary against the watchdog going idle (the watchdog must never park untimed while a
 * boundary it has not fired is armed and nobody woke it), and the untimed SYNC wait
 * against an acknowledgement (no lost wake-up without a timed park to fall back on).
 *
 * <p>Not thread-safe: jcstress gives each test instance its own state.
 */
public final class SyncWatchdogTests {
    private SyncWatchdogTests() {
    }

    /** The worker arms a boundary while the watchdog, having found nothing, goes idle. */
    @JCStressTest
    @Description("arm() vs enterIdle(): an armed boundary is never left with an idle, unwoken watchdog")
    @Outcome(id = "true, true", expect = ACCEPTABLE,
            desc = "the watchdog went idle first; the worker saw it and woke it")
    @Outcome(id = "false, false", expect = ACCEPTABLE,
            desc = "the watchdog saw the boundary and stayed awake")
    @Outcome(id = "true, false", expect = ACCEPTABLE,
            desc = "both saw each other: a spare unpark, no harm")
    @Outcome(id = "false, true", expect = FORBIDDEN,
            desc = "the watchdog parks untimed and nobody wakes it: the try boundary is missed")
    @State
    public static class ArmVsEnterIdle {
        final SyncWatchdog watchdog = new SyncWatchdog(1);

        @Actor
        public void worker(ZZ_Result r) {
            r.r1 = watchdog.arm(0, System.nanoTime() + TimeUnit.SECONDS.toNanos(3));
        }

        @Actor
        public void watchdog(ZZ_Result r) {
            r.r2 = watchdog.enterIdle();
        }
    }

    /** sync(false) racing the worker on its way into the untimed park: no lost wake-up. */
    @JCStressTest
    @Description("worker enterSync()+untimed awaitSyncEnd() vs acknowledge(): the worker always wakes")
    @Outcome(id = "true, true", expect = ACCEPTABLE,
            desc = "the acknowledgement ended the wait (before or during the park)")
    @Outcome(expect = FORBIDDEN, desc = "the worker gave up its try: a lost wake-up")
    @State
    public static class AcknowledgeWakesUntimedWorker {
        final TaskState s = new TaskState();
        final SyncWatchdog watchdog = new SyncWatchdog(1);

        @Actor
        public void worker(ZZ_Result r) {
            s.acquire();
            s.enterSync();
            // no watchdog thread runs here: only the acknowledgement can end the park
            r.r1 = s.awaitSyncEnd(System.nanoTime() + TimeUnit.SECONDS.toNanos(5), watchdog, 0);
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
