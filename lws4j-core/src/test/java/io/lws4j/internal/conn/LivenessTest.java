package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.internal.conn.Liveness.Due;
import org.junit.jupiter.api.Test;

class LivenessTest {
    private static final long S = 1_000_000_000L;

    @Test
    void disabledWithoutIdleTimeoutOrPings() {
        assertThat(new Liveness(0, 0).isEnabled()).isFalse();
        assertThat(new Liveness(0, 0).check(100 * S, 0, 0)).isEqualTo(Due.NOTHING);
    }

    @Test
    void idleTimeoutAloneFallsDueAfterTheLastReceive() {
        Liveness l = new Liveness(10 * S, 0);
        long base = -5 * S; // nanoTime may be negative: only differences count
        assertThat(l.nextCheck(base, base)).isEqualTo(base + 10 * S);
        assertThat(l.check(base + 10 * S - 1, base, base)).isEqualTo(Due.NOTHING);
        assertThat(l.check(base + 10 * S, base, base)).isEqualTo(Due.IDLE_CLOSE);
    }

    @Test
    void aPingFallsDueAfterAQuietIntervalAndOncePerInterval() {
        Liveness l = new Liveness(0, 3 * S);
        assertThat(l.nextCheck(0, 0)).isEqualTo(3 * S);
        assertThat(l.check(3 * S, 0, 0)).isEqualTo(Due.PING);
        // pinged at 3 s: the next one is due at 6 s, not at once
        assertThat(l.nextCheck(0, 3 * S)).isEqualTo(6 * S);
        assertThat(l.check(4 * S, 0, 3 * S)).isEqualTo(Due.NOTHING);
        // a receive at 5 s moves it to 8 s
        assertThat(l.nextCheck(5 * S, 3 * S)).isEqualTo(8 * S);
        assertThat(l.check(6 * S, 5 * S, 3 * S)).isEqualTo(Due.NOTHING);
    }

    @Test
    void withBothTheEarlierDeadlineIsCheckedAndIdleWinsOverAPing() {
        Liveness l = new Liveness(10 * S, 3 * S);
        assertThat(l.nextCheck(0, 0)).isEqualTo(3 * S);
        assertThat(l.nextCheck(0, 9 * S)).isEqualTo(10 * S);
        assertThat(l.check(10 * S, 0, 9 * S)).isEqualTo(Due.IDLE_CLOSE);
        assertThat(l.check(12 * S, 0, 0)).isEqualTo(Due.IDLE_CLOSE);
    }
}
