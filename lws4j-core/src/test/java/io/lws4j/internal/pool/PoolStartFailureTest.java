package io.lws4j.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lws4j.threadpool.CreateArgs;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Pool creation is atomic when the sync watchdog's thread cannot start (an
 * {@link OutOfMemoryError} "unable to create native thread", simulated): the workers
 * already started are stopped and joined before the failure is thrown.
 */
class PoolStartFailureTest {

    @Test
    void theWatchdogCannotStart_startedWorkersAreStoppedAndJoined_thenTheFailureIsThrown() {
        List<Thread> made = new CopyOnWriteArrayList<>();
        CreateArgs args = new CreateArgs(3, 1).withThreadFactory(r -> {
            Thread t = new Thread(r, "start-failure-" + made.size());
            t.setDaemon(true);
            made.add(t);
            return t;
        });
        OutOfMemoryError noThread = new OutOfMemoryError("unable to create native thread (simulated)");
        assertThatThrownBy(() -> PoolCore.start("start-failure", args, (watchdog, name) -> {
            assertThat(made).hasSize(3).allMatch(Thread::isAlive);
            throw noThread;
        })).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("watchdog")
                .hasCause(noThread);
        assertThat(made).hasSize(3);
        for (Thread t : made) {
            assertThat(t.isAlive()).as(t.getName() + " joined before the failure was thrown")
                    .isFalse();
        }
    }
}
