package io.lws4j.threadpool;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/**
 * How to build a {@link ThreadPool} (lws {@code struct lws_threadpool_create_args}).
 *
 * <p>{@code new CreateArgs(threads, maxQueueDepth)} takes the defaults for everything else;
 * the {@code with...} methods return a copy with one setting changed.
 *
 * <p>Every positive duration is accepted. The pool measures them on
 * {@link System#nanoTime()}, so one longer than about 73 years (2^61 ns) counts as that long:
 * in practice, never.
 *
 * <p>Instances are immutable.
 *
 * <p>Thread-safe: any method may be called from any thread.
 *
 * @param threads how many workers to start, at least 1
 * @param maxQueueDepth how many tasks may wait while every worker is busy, at least 0
 *     ({@code 0}: hand-off only, accepted only when a worker is idle)
 * @param threadFactory makes the worker threads, or null for daemon platform threads named
 *     {@code <pool name>-<index>}; the pool does not rename or otherwise change the threads
 *     a factory makes
 * @param syncBudget how long a SYNC may wait for its acknowledgement in total, on a
 *     monotonic clock, before the task is stopped (default 30 s)
 * @param syncRetryInterval how often a waiting SYNC asks again for a writable callback
 *     while its service thread has not yet seen it (one "try"; default 3 s)
 * @param shutdownGrace how long {@link ThreadPool#destroy()} waits for running tasks to
 *     return before it interrupts them (default 1 s)
 * @param outlivePolicy what a running {@code _OUTLIVE} task does when its connection
 *     closes (default {@link OutlivePolicy#CONTINUE})
 */
public record CreateArgs(int threads, int maxQueueDepth, ThreadFactory threadFactory,
                         Duration syncBudget, Duration syncRetryInterval, Duration shutdownGrace,
                         OutlivePolicy outlivePolicy) {

    /** The default total SYNC budget. */
    public static final Duration DEFAULT_SYNC_BUDGET = Duration.ofSeconds(30);
    /** The default interval between writable re-requests of a waiting SYNC. */
    public static final Duration DEFAULT_SYNC_RETRY_INTERVAL = Duration.ofSeconds(3);
    /** The default shutdown grace period of {@link ThreadPool#destroy()}. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(1);

    /**
     * Validates the settings.
     *
     * @param threads how many workers to start, at least 1
     * @param maxQueueDepth how many tasks may wait while every worker is busy, at least 0
     * @param threadFactory makes the worker threads, or null for the default
     * @param syncBudget the total SYNC wait before the task is stopped
     * @param syncRetryInterval the interval between writable re-requests of a waiting SYNC
     * @param shutdownGrace how long destroy waits before interrupting tasks
     * @param outlivePolicy what a running OUTLIVE task does when its connection closes
     * @throws IllegalArgumentException when {@code threads < 1}, {@code maxQueueDepth < 0}
     *     or a duration is not positive
     * @throws NullPointerException when a duration or the policy is null
     */
    public CreateArgs {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1: " + threads);
        }
        if (maxQueueDepth < 0) {
            throw new IllegalArgumentException("maxQueueDepth must be >= 0: " + maxQueueDepth);
        }
        io.lws4j.internal.util.Args.positive(syncBudget, "syncBudget");
        io.lws4j.internal.util.Args.positive(syncRetryInterval, "syncRetryInterval");
        io.lws4j.internal.util.Args.positive(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(outlivePolicy, "outlivePolicy");
    }

    /**
     * Settings with the defaults for everything but the two lws fields.
     *
     * @param threads how many workers to start, at least 1
     * @param maxQueueDepth how many tasks may wait while every worker is busy, at least 0
     */
    public CreateArgs(int threads, int maxQueueDepth) {
        this(threads, maxQueueDepth, null, DEFAULT_SYNC_BUDGET, DEFAULT_SYNC_RETRY_INTERVAL,
                DEFAULT_SHUTDOWN_GRACE, OutlivePolicy.CONTINUE);
    }

    /**
     * A copy with another thread factory.
     *
     * @param factory the factory, or null for the default
     * @return the copy
     */
    public CreateArgs withThreadFactory(ThreadFactory factory) {
        return new CreateArgs(threads, maxQueueDepth, factory, syncBudget, syncRetryInterval,
                shutdownGrace, outlivePolicy);
    }

    /**
     * A copy with another SYNC budget and re-request interval.
     *
     * @param budget the total wait before the task is stopped
     * @param retryInterval the interval between writable re-requests
     * @return the copy
     */
    public CreateArgs withSync(Duration budget, Duration retryInterval) {
        return new CreateArgs(threads, maxQueueDepth, threadFactory, budget, retryInterval,
                shutdownGrace, outlivePolicy);
    }

    /**
     * A copy with another shutdown grace period.
     *
     * @param grace how long destroy waits before interrupting tasks
     * @return the copy
     */
    public CreateArgs withShutdownGrace(Duration grace) {
        return new CreateArgs(threads, maxQueueDepth, threadFactory, syncBudget,
                syncRetryInterval, grace, outlivePolicy);
    }

    /**
     * A copy with another OUTLIVE policy.
     *
     * @param policy the policy
     * @return the copy
     */
    public CreateArgs withOutlivePolicy(OutlivePolicy policy) {
        return new CreateArgs(threads, maxQueueDepth, threadFactory, syncBudget,
                syncRetryInterval, shutdownGrace, policy);
    }
}
