package io.lws4j.internal.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class TimerQueueTest {

    private final TimerQueue queue = new TimerQueue(() -> true);

    private void drain(long now) {
        Timer t;
        while ((t = queue.pollDue(now)) != null) {
            t.action.run();
        }
    }

    @Test
    void shouldFireInDeadlineOrderAndKeepInsertionOrderOnTies() {
        List<Integer> fired = new ArrayList<>();
        Random random = new Random(42);
        for (int i = 0; i < 500; i++) {
            int value = i;
            queue.add(random.nextInt(50), () -> fired.add(value));
        }
        drain(100);
        assertThat(fired).hasSize(500);
        // recompute the expected order with the same seed: sort by (deadline, insertion)
        Random again = new Random(42);
        List<long[]> expected = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            expected.add(new long[] {again.nextInt(50), i});
        }
        expected.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        assertThat(fired).containsExactlyElementsOf(expected.stream().map(a -> (int) a[1]).toList());
    }

    @Test
    void shouldNotFireBeforeDeadline() {
        List<String> fired = new ArrayList<>();
        queue.add(1_000, () -> fired.add("late"));
        assertThat(queue.pollDue(999)).isNull();
        assertThat(queue.nanosUntilNext(900)).isEqualTo(100);
        assertThat(queue.pollDue(1_000)).isNotNull();
        assertThat(queue.nanosUntilNext(1_000)).isEqualTo(-1);
    }

    @Test
    void shouldRemoveCancelledTimerAtOnceOnServiceThread() {
        List<Integer> fired = new ArrayList<>();
        List<Timer> timers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int value = i;
            timers.add(queue.add(i, () -> fired.add(value)));
        }
        for (int i = 0; i < 100; i += 2) {
            assertThat(timers.get(i).cancel()).isTrue();
        }
        assertThat(queue.size()).isEqualTo(50);
        assertThat(timers.get(0).cancel()).isFalse();
        drain(1_000);
        assertThat(fired).hasSize(50).allMatch(v -> v % 2 == 1).isSorted();
    }

    @Test
    void shouldSkipTimerCancelledOffTheServiceThread() {
        AtomicBoolean onLoop = new AtomicBoolean(true);
        TimerQueue offThread = new TimerQueue(onLoop::get);
        List<String> fired = new ArrayList<>();
        Timer timer = offThread.add(5, () -> fired.add("x"));
        onLoop.set(false);
        assertThat(timer.cancel()).isTrue();
        onLoop.set(true);
        assertThat(offThread.size()).isEqualTo(1); // lazily removed
        assertThat(offThread.pollDue(10)).isNull();
        assertThat(offThread.size()).isZero();
        assertThat(fired).isEmpty();
    }

    @Test
    void firedTimerCannotBeCancelled() {
        Timer timer = queue.add(0, () -> { });
        assertThat(queue.pollDue(0)).isSameAs(timer);
        assertThat(timer.cancel()).isFalse();
        assertThat(timer.isPending()).isFalse();
    }
}
