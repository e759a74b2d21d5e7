package io.lws4j.examples.threadpool;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.threadpool.TaskReturn;
import io.lws4j.threadpool.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CountJobTest {

    @Test
    void handsOverEveryExpectedPositionOnceThenFinishes() throws Exception {
        DemoOptions o = DemoOptions.parse("--end", "1000000", "--step", "100000",
                "--sleep-ms", "0", "--sync-every", "250000");
        CountJob job = new CountJob(o);
        List<Long> synced = new ArrayList<>();
        TaskReturn r;
        int calls = 0;
        while ((r = job.run(TaskStatus.RUNNING)) != TaskReturn.FINISHED) {
            assertThat(++calls).isLessThan(100);
            if (r == TaskReturn.SYNC) {
                synced.add(job.syncedPosition());
            } else {
                assertThat(r).isEqualTo(TaskReturn.CHECKING_IN);
            }
        }
        assertThat(synced).containsExactly(0L, 300_000L, 500_000L, 800_000L, 1_000_000L);
    }

    @Test
    void stoppingCallDoesNoWorkAndStops() throws Exception {
        CountJob job = new CountJob(DemoOptions.parse("--sleep-ms", "60000"));
        long before = System.nanoTime();
        assertThat(job.run(TaskStatus.STOPPING)).isEqualTo(TaskReturn.STOPPED);
        assertThat(System.nanoTime() - before).isLessThan(30_000_000_000L);
        assertThat(job.syncedPosition()).isEqualTo(-1);
    }

    @Test
    void interruptDuringTheSleepStopsTheTaskAndKeepsTheFlag() throws Exception {
        CountJob job = new CountJob(DemoOptions.parse("--sleep-ms", "60000"));
        assertThat(job.run(TaskStatus.RUNNING)).isEqualTo(TaskReturn.SYNC);
        Thread.currentThread().interrupt();
        try {
            assertThat(job.run(TaskStatus.RUNNING)).isEqualTo(TaskReturn.STOPPED);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
