package io.lws4j.internal.pool;

import io.lws4j.threadpool.ThreadPoolMXBean;

/**
 * The {@link ThreadPoolMXBean} of a {@link PoolCore}.
 *
 * <p>Thread-safe: each getter reads the pool through its thread-safe entry points
 * ({@code diagnose()} takes the pool lock; the counters are adders).
 */
public final class PoolStatistics implements ThreadPoolMXBean {
    private final PoolCore pool;

    /**
     * @param pool the pool to report on
     */
    public PoolStatistics(PoolCore pool) {
        this.pool = pool;
    }

    @Override
    public String getName() {
        return pool.name();
    }

    @Override
    public int getThreads() {
        return pool.args().threads();
    }

    @Override
    public int getMaxQueueDepth() {
        return pool.args().maxQueueDepth();
    }

    @Override
    public int getOngoing() {
        return pool.diagnose().ongoing();
    }

    @Override
    public int getPossible() {
        return pool.diagnose().possible();
    }

    @Override
    public int getQueueDepth() {
        return pool.diagnose().queueDepth();
    }

    @Override
    public int getDoneUnreaped() {
        return pool.diagnose().doneUnreaped();
    }

    @Override
    public long getOldestWaitMillis() {
        return pool.diagnose().oldestWaitAge().toMillis();
    }

    @Override
    public long getAccepted() {
        return pool.accepted();
    }

    @Override
    public long getRejected() {
        return pool.rejected.sum();
    }

    @Override
    public long getFinished() {
        return pool.finished();
    }

    @Override
    public long getStopped() {
        return pool.stopped();
    }

    @Override
    public long getFailed() {
        return pool.failed();
    }

    @Override
    public long getCompleted() {
        return pool.completed.sum();
    }

    @Override
    public long getSyncWaits() {
        return pool.syncWaits.sum();
    }

    @Override
    public long getLateSyncs() {
        return pool.lateSyncs.sum();
    }

    @Override
    public long getAbandonedSyncs() {
        return pool.abandonedSyncs.sum();
    }

    @Override
    public boolean isShutdown() {
        return pool.isShutdown();
    }

    @Override
    public String dump() {
        return pool.dump();
    }

    @Override
    public String toString() {
        return "PoolStatistics[" + pool.name() + "]";
    }
}
