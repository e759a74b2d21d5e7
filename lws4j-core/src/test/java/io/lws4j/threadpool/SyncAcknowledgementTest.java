package io.lws4j.threadpool;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.internal.pool.TaskState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Who ends a SYNC: only the acknowledgement. A status query anywhere (another callback, an
 * {@code onWritable} that cannot write yet) leaves the SYNC waiting for its writable and
 * its retries (spec case 8: status queries have no side effects), and an acknowledgement
 * releases only the SYNC its caller observed, so a late or stray {@code sync(false)} cannot
 * release the next SYNC before anyone saw its output (the lws "lost positions").
 */
class SyncAcknowledgementTest extends PoolTestSupport {

    /** The task's state word read directly: unlike status(), it observes nothing. */
    private static boolean rawSyncing(Task<?> t) {
        return t.record().state().get() == TaskState.SYNCING;
    }

    @Test
    void statusFromAnotherCallbackBeforeTheWritable_theSyncIsStillAnsweredInOnWritable() {
        FakeLoop loop = loop();
        List<TaskStatus> seen = new CopyOnWriteArrayList<>();
        FakeConnection c = connection(loop).onWritable(syncResponder(seen));
        ThreadPool pool = pool(1, 1); // the default 30 s budget: a stall outlives LIVENESS
        CountDownLatch onTextRunning = new CountDownLatch(1);
        CountDownLatch messageArrives = new CountDownLatch(1);
        List<TaskStatus> seenInOnText = new CopyOnWriteArrayList<>();
        // The loop is busy in a receive callback (onText) when the worker's SYNC arrives;
        // that callback asks for the task's status, the usual lws idiom.
        loop.execute(() -> {
            onTextRunning.countDown();
            try {
                assertThat(messageArrives.await(30, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            seenInOnText.add(ThreadPool.taskStatusWsi(c));
        });
        await(onTextRunning);
        Job j = new Job("j");
        Task<Job> t = pool.enqueue(args(c, j, script(TaskReturn.SYNC)), "j");
        await("syncing", () -> rawSyncing(t));
        messageArrives.countDown();
        await("the SYNC answered in onWritable and the task reaped", () -> j.cleanups.get() == 1);
        loop.drain();
        assertThat(seenInOnText).containsExactly(TaskStatus.SYNCING);
        assertThat(c.written).containsExactly("j out 0");
        assertThat(seen).containsExactly(TaskStatus.SYNCING, TaskStatus.FINISHED);
        assertThat(j.calls).containsExactly(TaskStatus.RUNNING, TaskStatus.RUNNING);
    }

    @Test
    void onWritableThatCannotWriteYet_theNextTryAsksForWritableAgain() {
        FakeLoop loop = loop();
        AtomicInteger declined = new AtomicInteger();
        FakeConnection c = connection(loop);
        c.onWritable(conn -> {
            Task<?> t = ThreadPool.taskOf(conn);
            if (t == null || t.status() != TaskStatus.SYNCING) {
                return;
            }
            if (declined.getAndIncrement() == 0) {
                return; // the send queue is full: write later, do not acknowledge yet
            }
            conn.writeText(((Job) t.user()).output);
            t.sync(false);
        });
        // a long budget: only a re-requested writable can end this SYNC within LIVENESS
        ThreadPool pool = pool(new CreateArgs(1, 1).withSync(Duration.ofSeconds(60),
                Duration.ofMillis(50)));
        Job j = new Job("j");
        pool.enqueue(args(c, j, script(TaskReturn.SYNC)), "j");
        await("the SYNC answered in a later onWritable", () -> c.written.size() == 1);
        await("reaped", () -> j.cleanups.get() == 1);
        assertThat(declined.get()).isGreaterThanOrEqualTo(2);
        assertThat(c.written).containsExactly("j out 0");
        assertThat(j.calls).containsExactly(TaskStatus.RUNNING, TaskStatus.RUNNING);
    }

    @Test
    void aStrayAcknowledgementDoesNotReleaseTheNextSync_noPositionIsLost() {
        FakeLoop loop = loop();
        FakeConnection c = connection(loop).writable(false); // the test plays onWritable
        ThreadPool pool = pool(1, 1);
        Job j = new Job("j");
        // the third call waits for the gate, so a released SYNC 2 stays visibly RUNNING
        CountDownLatch thirdCall = new CountDownLatch(1);
        TaskFunction<Job> threeSyncs = script(TaskReturn.SYNC, TaskReturn.SYNC, TaskReturn.SYNC);
        Task<Job> t = pool.enqueue(args(c, j, (job, s) -> {
            if (job.calls.size() == 3 && !thirdCall.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("gate never opened");
            }
            return threeSyncs.run(job, s);
        }), "j");
        Runnable answer = () -> {
            assertThat(t.status()).isEqualTo(TaskStatus.SYNCING);
            c.writeText(t.user().output);
            t.sync(false);
        };
        await("first SYNC", () -> rawSyncing(t) && "j out 0".equals(j.output));
        loop.run(answer);
        await("second SYNC", () -> rawSyncing(t) && "j out 1".equals(j.output));
        // A late duplicate of the first acknowledgement: nobody has looked at SYNC 2 yet.
        loop.run(() -> t.sync(false));
        assertThat(rawSyncing(t)).as("SYNC 2 still waits for its own acknowledgement").isTrue();
        assertThat(j.calls).hasSize(2);
        thirdCall.countDown();
        loop.run(answer);
        await("third SYNC", () -> rawSyncing(t) && "j out 2".equals(j.output));
        loop.run(() -> {
            t.sync(false); // stray again, on the same thread that will answer
            assertThat(rawSyncing(t)).isTrue();
        });
        loop.run(answer);
        awaitStatus(t, TaskStatus.FINISHED);
        assertThat(c.written).containsExactly("j out 0", "j out 1", "j out 2");
        assertThat(j.calls).hasSize(4);
    }

    @Test
    void anAcknowledgementAfterAnObservationOfTheCurrentSyncStillReleasesIt() {
        FakeLoop loop = loop();
        FakeConnection c = connection(loop).writable(false);
        ThreadPool pool = pool(1, 1);
        Job j = new Job("j");
        Task<Job> t = pool.enqueue(args(c, j, script(TaskReturn.SYNC)), "j");
        await("syncing", () -> rawSyncing(t));
        // observed in one callback, answered in a later one (statusNoReap observes too)
        assertThat(loop.call(t::statusNoReap)).isEqualTo(TaskStatus.SYNCING);
        loop.run(() -> t.sync(false));
        awaitStatus(t, TaskStatus.FINISHED);
        assertThat(j.calls).hasSize(2);
    }
}
