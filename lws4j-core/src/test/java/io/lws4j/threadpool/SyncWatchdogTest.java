package io.lws4j.threadpool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The pool's SYNC watchdog: workers wait for an acknowledgement with an untimed park, the
 * watchdog wakes them at their try boundaries, sleeps untimed when nobody syncs, and ends
 * with the pool.
 */
class SyncWatchdogTest extends PoolTestSupport {

    private static Thread watchdogOf(String poolName) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(poolName + "-sync-watchdog"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no watchdog thread for " + poolName));
    }

    @Test
    void aSyncingWorkerParksWithoutATimeout_theAcknowledgementStillEndsTheWait() {
        FakeLoop loop = loop();
        FakeConnection c = connection(loop).writable(false);
        ThreadPool pool = pool(new CreateArgs(1, 1).withSync(Duration.ofSeconds(60),
                Duration.ofSeconds(30)));
        Job j = new Job("j");
        Task<Job> t = pool.enqueue(args(c, j, script(TaskReturn.SYNC)), "j");
        awaitStatus(t, TaskStatus.SYNCING);
        // a timed park (the old wait) shows as TIMED_WAITING for the whole try
        await("worker parked untimed", () -> j.worker != null
                && j.worker.getState() == Thread.State.WAITING);
        loop.run(() -> t.sync(false));
        awaitStatus(t, TaskStatus.FINISHED);
        assertThat(j.calls).hasSize(2);
    }

    @Test
    void theWatchdogWakesAnUntimedSyncAtEveryTry_writableAskedAgainAndLateSyncsCounted() {
        FakeLoop loop = loop();
        FakeConnection c = connection(loop).writable(false);
        Duration perTry = Duration.ofMillis(30);
        ThreadPool pool = pool(new CreateArgs(1, 1).withSync(Duration.ofSeconds(60), perTry));
        Job j = new Job("j");
        Task<Job> t = pool.enqueue(args(c, j, script(TaskReturn.SYNC)), "j");
        awaitStatus(t, TaskStatus.SYNCING);
        await("three tries expired", () -> t.record().lateSyncs() >= 3);
        loop.drain();
        assertThat(c.writableRequests.get()).isGreaterThan(1);
        assertThat(t.statusNoReap()).isEqualTo(TaskStatus.SYNCING);
        loop.run(() -> t.sync(false));
        awaitStatus(t, TaskStatus.FINISHED);
    }

    @Test
    void theWatchdogSleepsUntimedWhileNobodySyncs_andEndsWithThePool() throws Exception {
        ThreadPool pool = ThreadPool.create(FakeContext.INSTANCE, new CreateArgs(2, 1),
                "watchdog-pool");
        Thread watchdog = watchdogOf("watchdog-pool");
        try {
            await("watchdog parked untimed", () -> watchdog.getState() == Thread.State.WAITING);
            for (int i = 0; i < 10; i++) {
                Thread.sleep(20);
                assertThat(watchdog.getState()).isEqualTo(Thread.State.WAITING);
            }
        } finally {
            pool.close();
        }
        watchdog.join(LIVENESS.toMillis());
        assertThat(watchdog.isAlive()).as("watchdog left running").isFalse();
    }
}
