package io.lws4j.internal.util;

import java.time.Duration;

/**
 * Converts user-given waits (the pool's sync budget, retry interval, shutdown grace and
 * termination wait; a connection's idle timeout, ping interval, handshake timeout and user
 * timeout; loop timers and joins) to nanoseconds for {@link System#nanoTime()} arithmetic,
 * saturating instead of failing.
 *
 * <p>Any positive {@link Duration} is a valid setting, but {@code Duration.toNanos()} throws
 * beyond about 292 years, and a deadline {@code now + nanos} wraps when {@code nanos} is near
 * {@link Long#MAX_VALUE}. So a wait is capped at {@link #MAX}, about 73 years: a deadline
 * that far ahead never comes in practice, and deadlines and differences derived from it
 * (sums of a few waits, compared as {@code a - b < 0}) stay far from overflow.
 *
 * <p>Thread-safe: stateless.
 */
public final class WaitNanos {
    /** The longest wait, 2^61 ns (about 73 years). */
    public static final long MAX = 1L << 61;

    private WaitNanos() {
    }

    /**
     * The duration in nanoseconds, clamped to {@code [0, MAX]}.
     *
     * @param d a duration
     * @return its nanoseconds, 0 for a negative duration, {@link #MAX} for a longer one
     */
    public static long of(Duration d) {
        if (d.isNegative()) {
            return 0;
        }
        if (d.getSeconds() >= MAX / 1_000_000_000L) {
            return MAX;
        }
        return Math.min(MAX, d.toNanos());
    }
}
