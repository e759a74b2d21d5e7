package io.lws4j.benchmarks.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogHistogramTest {

    @Test
    void quantilesAreWithinOneBucketOfTheTrueValue() {
        LogHistogram h = new LogHistogram();
        for (int i = 1; i <= 100_000; i++) {
            h.record(i * 10L);
        }
        assertThat(h.count()).isEqualTo(100_000);
        assertThat(h.quantile(0.5)).isBetween(500_000L, 500_000L * 104 / 100);
        assertThat(h.quantile(0.99)).isBetween(990_000L, 990_000L * 104 / 100);
        assertThat(h.quantile(1.0)).isEqualTo(1_000_000L);
    }

    @Test
    void smallValuesAreExactAndEmptyHistogramHasNoQuantile() {
        LogHistogram h = new LogHistogram();
        assertThat(h.quantile(0.5)).isEqualTo(-1);
        h.record(3);
        h.record(-5);
        assertThat(h.quantile(0.5)).isEqualTo(0);
        assertThat(h.quantile(1.0)).isEqualTo(3);
    }

    @Test
    void addMergesCounts() {
        LogHistogram a = new LogHistogram();
        LogHistogram b = new LogHistogram();
        a.record(1_000);
        b.record(1_000_000);
        a.add(b);
        assertThat(a.count()).isEqualTo(2);
        assertThat(a.quantile(1.0)).isEqualTo(1_000_000L);
    }
}
