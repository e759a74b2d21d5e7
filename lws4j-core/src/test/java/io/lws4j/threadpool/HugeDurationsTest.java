package io.lws4j.threadpool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Durations too long for {@link System#nanoTime()} arithmetic: every duration
 * {@link CreateArgs} accepts works, the longest ones as "practically for ever" (a
 * saturated, far-future deadline), and a SYNC under such a budget keeps asking for its
 * writable once per try.
 */
class HugeDurationsTest extends PoolTestSupport {

    private static final Duration OVERFLOWS_NANOS = Duration.ofDays(1_000_000);
    private static final Duration MAX_NANOS = Duration.ofNanos(Long.MAX_VALUE);

    private void syncUnderBudget_retriesKeepComing(Duration budget) {
        FakeLoop loop = loop();
        FakeConnection c = connection(loop).writable(false);
        ThreadPool pool = pool(new CreateArgs(1, 1).withSync(budget, Duration.ofMillis(20)));
        Job j = new Job("j");
        Task<Job> t = pool.enqueue(args(c, j, script(TaskReturn.SYNC)), "j");
        awaitStatus(t, TaskStatus.SYNCING);
        await("writable asked again at later tries", () -> c.writableRequests.get() >= 3);
        assertThat(t.record().lateSyncs()).isGreaterThanOrEqualTo(2);
        assertThat(t.statusNoReap()).isEqualTo(TaskStatus.SYNCING);
        loop.run(() -> t.sync(false));
        awaitStatus(t, TaskStatus.FINISHED);
        assertThat(j.calls).hasSize(2);
    }

    @Test
    void aBudgetOfLongMaxValueNanos_doesNotWrapTheDeadline() {
        syncUnderBudget_retriesKeepComing(MAX_NANOS);
    }

    @Test
    void aBudgetBeyondLongNanos_isAcceptedAndSaturated() {
        syncUnderBudget_retriesKeepComing(OVERFLOWS_NANOS);
    }

    @Test
    void aHugeRetryInterval_isCappedByTheBudget() {
        FakeLoop loop = loop();
        FakeConnection c = connection(loop).writable(false);
        Duration budget = Duration.ofMillis(100);
        ThreadPool pool = pool(new CreateArgs(1, 1).withSync(budget, OVERFLOWS_NANOS));
        Job j = new Job("j");
        Task<Job> t = pool.enqueue(args(c, j, script(TaskReturn.SYNC)), "j");
        await("the budget ran out", () -> j.cleanups.get() == 1);
        assertThat(t.statusNoReap()).isEqualTo(TaskStatus.STOPPED);
        assertThat(t.record().lateSyncs()).isEqualTo(1);
        assertThat(j.calls).hasSize(1);
    }

    @Test
    void hugeShutdownGraceAndAwaitTermination_workAsForever() throws Exception {
        for (Duration huge : new Duration[] {OVERFLOWS_NANOS, MAX_NANOS}) {
            ThreadPool pool = ThreadPool.create(FakeContext.INSTANCE,
                    new CreateArgs(2, 1).withShutdownGrace(huge), "huge-grace");
            pool.finish();
            assertThat(pool.awaitTermination(huge)).isTrue();
            assertThat(pool.destroy()).isEmpty();
            assertThat(pool.isTerminated()).isTrue();
        }
    }
}
