package io.lws4j.threadpool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The write a SYNC's answerer hands to the released worker
 * ({@code ConnectionInternals.claimWriteForSyncingWorker}): the worker runs it on its own
 * thread before its task is called again, and it runs exactly once even when a stop ends
 * the wait between the claim and the acknowledgement.
 */
class HandedWriteTest extends PoolTestSupport {
    private static final int ROUNDS = 300;

    @Test
    void aSyncAnsweredOnTheLoop_handsItsWriteToTheWorker_whichRunsItBeforeItsTaskIsCalledAgain() {
        FakeLoop loop = loop();
        ThreadPool pool = pool(2, 4);
        List<String> events = new CopyOnWriteArrayList<>();
        AtomicReference<Thread> worker = new AtomicReference<>();
        FakeConnection c = connection(loop).onWritable(syncResponder(new ArrayList<>()));
        AtomicInteger handed = new AtomicInteger();
        c.handingWrites(() -> {
            int n = handed.incrementAndGet();
            return () -> events.add("write " + n + (Thread.currentThread() == worker.get()
                    ? " on the worker" : " on " + Thread.currentThread().getName()));
        });
        Job j = new Job("h");
        AtomicInteger call = new AtomicInteger();
        pool.enqueue(args(c, j, (job, s) -> {
            worker.set(Thread.currentThread());
            int n = call.incrementAndGet();
            events.add("call " + n);
            if (n <= 2) {
                job.output = "out " + n;
                return TaskReturn.SYNC;
            }
            return TaskReturn.FINISHED;
        }), "h");
        await("cleaned up", () -> j.cleanups.get() == 1);
        assertThat(events).containsExactly("call 1", "write 1 on the worker", "call 2",
                "write 2 on the worker", "call 3");
        assertThat(c.written).containsExactly("out 1", "out 2");
    }

    @Test
    void aStopBetweenTheClaimAndTheAcknowledgement_theHandedWriteRunsExactlyOnce() {
        FakeLoop loop = loop();
        ThreadPool pool = pool(2, ROUNDS);
        List<AtomicInteger> runs = new ArrayList<>();
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            AtomicInteger ran = new AtomicInteger();
            runs.add(ran);
            FakeConnection c = connection(loop).onWritable(syncResponder(new ArrayList<>()));
            c.handingWrites(() -> {
                // the stop lands after the claim, before sync(false) acknowledges
                ThreadPool.taskOf(c).sync(true);
                jitter();
                return ran::incrementAndGet;
            });
            Job j = new Job("s" + i);
            jobs.add(j);
            pool.enqueue(args(c, j, script(TaskReturn.SYNC, TaskReturn.SYNC)), "s%d", i);
        }
        for (Job j : jobs) {
            await(j.id + " cleaned", () -> j.cleanups.get() == 1);
        }
        await("workers free", () -> pool.diagnose().ongoing() == 0);
        for (int i = 0; i < ROUNDS; i++) {
            assertThat(runs.get(i).get()).as("handed write of round %d", i).isEqualTo(1);
        }
    }

    private static void jitter() {
        int spins = ThreadLocalRandom.current().nextInt(2000);
        for (int i = 0; i < spins; i++) {
            Thread.onSpinWait();
        }
    }
}
