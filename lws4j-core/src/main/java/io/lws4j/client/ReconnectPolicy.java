package io.lws4j.client;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * When a {@link ReconnectingClient} tries again: exponential backoff with jitter, bounded by
 * a number of attempts and a time, as in the "full jitter" scheme that keeps a crowd of
 * clients dropped together by a restarting server from coming back in one burst.
 *
 * <p>The delay before retry {@code n} (1 for the first retry of an outage) is drawn
 * uniformly from {@code [base * (1 - jitter), base]}, where
 * {@code base = min(maxDelay, initialDelay * multiplier^(n-1))}. An outage ends with the
 * next successful connection, which resets {@code n}. The client gives up when
 * {@code maxAttempts} retries of one outage have failed, or when the next retry would start
 * more than {@code maxElapsed} after the outage began.
 *
 * <pre>{@code
 * ReconnectPolicy policy = ReconnectPolicy.builder()
 *         .initialDelay(Duration.ofMillis(100)).maxDelay(Duration.ofSeconds(10))
 *         .maxElapsed(Duration.ofMinutes(5)).build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param initialDelay the base delay of the first retry
 * @param maxDelay the largest base delay
 * @param multiplier how much the base delay grows per retry, at least 1
 * @param jitter the fraction of the base delay drawn at random, 0 (none) to 1 (full jitter)
 * @param maxAttempts retries per outage before giving up, 0 for no limit
 * @param maxElapsed how long an outage may last before giving up, zero for no limit
 */
public record ReconnectPolicy(Duration initialDelay, Duration maxDelay, double multiplier,
        double jitter, int maxAttempts, Duration maxElapsed) {

    /**
     * Checks the settings.
     *
     * @param initialDelay the base delay of the first retry, positive
     * @param maxDelay the largest base delay, at least {@code initialDelay}
     * @param multiplier at least 1
     * @param jitter 0 to 1
     * @param maxAttempts 0 or more
     * @param maxElapsed zero or positive
     * @throws IllegalArgumentException for a value out of range
     */
    public ReconnectPolicy {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(maxElapsed, "maxElapsed");
        if (initialDelay.isNegative() || initialDelay.isZero()) {
            throw new IllegalArgumentException("initialDelay must be positive: " + initialDelay);
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("maxDelay " + maxDelay + " < initialDelay "
                    + initialDelay);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be >= 1: " + multiplier);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter must be within [0, 1]: " + jitter);
        }
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts must be >= 0: " + maxAttempts);
        }
        if (maxElapsed.isNegative()) {
            throw new IllegalArgumentException("maxElapsed must not be negative: " + maxElapsed);
        }
    }

    /**
     * Starts a builder with the defaults: 100 ms initial delay, 30 s maximum, multiplier 2,
     * jitter 0.5, no limit on attempts or time.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The delay before a retry.
     *
     * @param attempt the retry's number within its outage, from 1
     * @param random where the jitter comes from
     * @return the delay, between {@code base * (1 - jitter)} and {@code base}
     */
    public Duration delay(int attempt, RandomGenerator random) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1: " + attempt);
        }
        double base = initialDelay.toNanos() * Math.pow(multiplier, attempt - 1.0);
        base = Math.min(base, maxDelay.toNanos());
        double drawn = base * (1.0 - jitter * random.nextDouble());
        return Duration.ofNanos(Math.max(1L, (long) drawn));
    }

    /**
     * Whether another retry may start.
     *
     * @param attempt the number the retry would have, from 1
     * @param outageSoFar how long ago the outage began
     * @param nextDelay the delay the retry would wait first
     * @return false when the policy gives up
     */
    public boolean allows(int attempt, Duration outageSoFar, Duration nextDelay) {
        if (maxAttempts > 0 && attempt > maxAttempts) {
            return false;
        }
        return maxElapsed.isZero() || outageSoFar.plus(nextDelay).compareTo(maxElapsed) <= 0;
    }

    /**
     * Collects the settings of a {@link ReconnectPolicy}.
     *
     * <p>Not thread-safe: instances must not be shared.
     */
    public static final class Builder {
        private Duration initialDelay = Duration.ofMillis(100);
        private Duration maxDelay = Duration.ofSeconds(30);
        private double multiplier = 2.0;
        private double jitter = 0.5;
        private int maxAttempts;
        private Duration maxElapsed = Duration.ZERO;

        Builder() {
        }

        /**
         * @param delay the base delay of the first retry; default 100 ms
         * @return this builder
         */
        public Builder initialDelay(Duration delay) {
            this.initialDelay = delay;
            return this;
        }

        /**
         * @param delay the largest base delay; default 30 s
         * @return this builder
         */
        public Builder maxDelay(Duration delay) {
            this.maxDelay = delay;
            return this;
        }

        /**
         * @param factor growth of the base delay per retry; default 2
         * @return this builder
         */
        public Builder multiplier(double factor) {
            this.multiplier = factor;
            return this;
        }

        /**
         * @param fraction the random part of each delay, 0 to 1; default 0.5
         * @return this builder
         */
        public Builder jitter(double fraction) {
            this.jitter = fraction;
            return this;
        }

        /**
         * @param attempts retries per outage, 0 for no limit (the default)
         * @return this builder
         */
        public Builder maxAttempts(int attempts) {
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * @param limit how long an outage may last, zero for no limit (the default)
         * @return this builder
         */
        public Builder maxElapsed(Duration limit) {
            this.maxElapsed = limit;
            return this;
        }

        /**
         * @return the policy
         * @throws IllegalArgumentException for a value out of range
         */
        public ReconnectPolicy build() {
            return new ReconnectPolicy(initialDelay, maxDelay, multiplier, jitter, maxAttempts,
                    maxElapsed);
        }
    }
}
