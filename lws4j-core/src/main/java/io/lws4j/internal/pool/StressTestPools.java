package io.lws4j.internal.pool;

import io.lws4j.internal.conn.ConnectionInternals;
import io.lws4j.threadpool.CreateArgs;
import io.lws4j.threadpool.TaskReturn;

/**
 * Pools for the jcstress tests of the SYNC handshake, so that they race the real
 * {@link PoolCore#finish()}, {@link PoolCore#status} and {@link PoolCore#sync} against a
 * worker's steps instead of copies of them. The library never uses this class.
 *
 * <p>Thread-safe: stateless; what it returns is as thread-safe as any pool and task.
 */
public final class StressTestPools {
    private StressTestPools() {
    }

    /**
     * A pool with one task on a worker.
     *
     * @param pool the pool
     * @param task its task, RUNNING
     */
    public record TakenTask(PoolCore pool, TaskRecord<Object> task) {
    }

    /**
     * A running pool whose worker slots have no thread, with one task enqueued and taken by
     * slot 0 on the calling thread, as a started worker takes it: the task is RUNNING, on a
     * worker as far as {@link PoolCore#finish()} can tell, and the calling thread is its
     * worker. Nothing is started, so the pool needs no shutdown.
     *
     * @param args the settings ({@code threads()} worker slots)
     * @param connection the connection to bind the task to
     * @return the pool and its task
     */
    public static TakenTask withTakenTask(CreateArgs args, ConnectionInternals connection) {
        PoolCore pool = new PoolCore("stress", args);
        Worker slot = new Worker(pool, 0);
        pool.addWorker(slot);
        for (int i = 1; i < args.threads(); i++) {
            pool.addWorker(new Worker(pool, i));
        }
        TaskRecord<Object> task = pool.enqueue(connection, "stress", null,
                (u, s) -> TaskReturn.FINISHED, (c, u) -> { }, r -> r);
        TaskRecord<?> taken = slot.take();
        assert taken == task : taken;
        return new TakenTask(pool, task);
    }
}
