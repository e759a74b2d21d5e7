package io.lws4j.examples.threadpool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {

    @Test
    void noArgumentsGiveTheOriginalExamplesWorkload() throws Exception {
        DemoOptions o = DemoOptions.parse();
        assertThat(o).isEqualTo(DemoOptions.defaults());
        assertThat(o.port()).isEqualTo(7681);
        assertThat(o.threads()).isEqualTo(3);
        assertThat(o.queue()).isEqualTo(8);
        assertThat(o.end()).isEqualTo(10_000_000L);
        assertThat(o.step()).isEqualTo(100_000L);
        assertThat(o.sleepMs()).isEqualTo(100L);
        assertThat(o.syncEvery()).isEqualTo(1_000_000L);
        assertThat(o.serviceThreads()).isEqualTo(1);
        assertThat(o.dumpEvery()).isEqualTo(Duration.ZERO);
        assertThat(o.startTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.messageTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void everyFlagIsReadInBothSpellings() throws Exception {
        DemoOptions o = DemoOptions.parse("--port", "0", "--bind=::1", "--threads", "4",
                "--queue=0", "--end", "1_000", "--step=10", "--sleep-ms", "0",
                "--sync-every", "100", "--service-threads=2", "--dump-every", "5",
                "--start-timeout", "0", "--message-timeout=7", "--quiet");
        assertThat(o).isEqualTo(new DemoOptions(0, "::1", 4, 0, 1000, 10, 0, 100, 2,
                Duration.ofSeconds(5), Duration.ZERO, Duration.ofSeconds(7), true));
    }

    @Test
    void helpReturnsNullWhereverItStands() throws Exception {
        assertThat(DemoOptions.parse("--help")).isNull();
        assertThat(DemoOptions.parse("--threads", "2", "-h")).isNull();
    }

    @Test
    void usageNamesEveryFlag() {
        assertThat(DemoOptions.usage()).contains("--port", "--bind", "--threads", "--queue",
                "--end", "--step", "--sleep-ms", "--sync-every", "--service-threads",
                "--dump-every", "--start-timeout", "--message-timeout", "--quiet", "--help");
    }

    @Test
    void unknownFlagIsRejectedByName() {
        assertThatThrownBy(() -> DemoOptions.parse("--thread", "3"))
                .isInstanceOf(DemoOptions.UsageException.class)
                .hasMessage("unknown option: --thread");
    }

    @Test
    void strayArgumentIsRejected() {
        assertThatThrownBy(() -> DemoOptions.parse("7681"))
                .isInstanceOf(DemoOptions.UsageException.class)
                .hasMessage("unexpected argument: 7681");
    }

    @Test
    void flagAtTheEndWithoutValueIsRejected() {
        assertThatThrownBy(() -> DemoOptions.parse("--port"))
                .isInstanceOf(DemoOptions.UsageException.class)
                .hasMessage("--port needs a value");
    }

    @Test
    void malformedNumberIsRejectedWithTheValue() {
        assertThatThrownBy(() -> DemoOptions.parse("--end", "10M"))
                .isInstanceOf(DemoOptions.UsageException.class)
                .hasMessage("--end: not a whole number: '10M'");
    }

    @Test
    void valuesOutOfRangeAreRejected() {
        assertThatThrownBy(() -> DemoOptions.parse("--port", "65536"))
                .hasMessageContaining("--port: 65536 is out of range");
        assertThatThrownBy(() -> DemoOptions.parse("--threads", "0"))
                .hasMessageContaining("--threads: 0 is out of range");
        assertThatThrownBy(() -> DemoOptions.parse("--queue", "-1"))
                .hasMessageContaining("--queue: -1 is out of range");
        assertThatThrownBy(() -> DemoOptions.parse("--step", "0"))
                .hasMessageContaining("--step: 0 is out of range");
        assertThatThrownBy(() -> DemoOptions.parse("--sync-every", "0"))
                .hasMessageContaining("--sync-every: 0 is out of range");
        assertThatThrownBy(() -> DemoOptions.parse("--sleep-ms", "-5"))
                .hasMessageContaining("--sleep-ms: -5 is out of range");
        assertThatThrownBy(() -> DemoOptions.parse("--service-threads", "0"))
                .hasMessageContaining("--service-threads: 0 is out of range");
        assertThatThrownBy(() -> DemoOptions.parse("--dump-every", "-1"))
                .hasMessageContaining("--dump-every: -1 is out of range");
    }

    @Test
    void sleepZeroIsAllowedForTheThroughputBenchmark() throws Exception {
        DemoOptions o = DemoOptions.parse("--sleep-ms", "0", "--sync-every", "100000",
                "--step", "100000");
        assertThat(o.sleepMs()).isZero();
        assertThat(o.expectedPositions(1000)).hasSize(101);
    }

    @Test
    void blankBindIsRejected() {
        assertThatThrownBy(() -> DemoOptions.parse("--bind", " "))
                .isInstanceOf(DemoOptions.UsageException.class)
                .hasMessage("--bind needs a value");
    }

    @Test
    void defaultWorkloadSendsStartThenEveryMillionToTheEnd() {
        List<Long> positions = DemoOptions.defaults().expectedPositions(100);
        assertThat(positions).containsExactly(0L, 1_000_000L, 2_000_000L, 3_000_000L,
                4_000_000L, 5_000_000L, 6_000_000L, 7_000_000L, 8_000_000L, 9_000_000L,
                10_000_000L);
    }

    @Test
    void stepsThatStraddleAMarkSendTheCountReachedAndTheEnd() throws Exception {
        DemoOptions o = DemoOptions.parse("--end", "1000", "--step", "300", "--sync-every",
                "500");
        assertThat(o.expectedPositions(100)).containsExactly(0L, 600L, 1000L);
    }

    @Test
    void messageTimeoutGrowsToTwiceTheExpectedGapForSlowSettings() throws Exception {
        assertThat(DemoOptions.defaults().effectiveMessageTimeout())
                .isEqualTo(Duration.ofSeconds(5));
        DemoOptions slow = DemoOptions.parse("--sleep-ms", "1000");
        assertThat(slow.effectiveMessageTimeout()).isEqualTo(Duration.ofSeconds(20));
        DemoOptions none = DemoOptions.parse("--message-timeout", "0", "--sleep-ms", "1000");
        assertThat(none.effectiveMessageTimeout()).isEqualTo(Duration.ZERO);
    }
}
