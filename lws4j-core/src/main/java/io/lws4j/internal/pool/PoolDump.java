package io.lws4j.internal.pool;

import io.lws4j.threadpool.Diagnosis;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Observability of a {@link PoolCore}: {@code diagnose()} (a snapshot of the load and the
 * counters) and {@code dump()} (every task the pool knows, one summary line each).
 *
 * <p>Threading: any method may be called from any thread. The queue, the done list, the
 * workers' {@code current} and the {@code ongoing} and {@code liveWorkers} counts are read
 * under the pool lock, so each snapshot of them is consistent; the counters are
 * {@code LongAdder}s read without it. Summaries are formatted with no lock held.
 *
 * <p>Happens-before: a worker counts a completion after it took the task off itself and
 * put it in the done list under the lock, so a diagnosis that sees the count also sees
 * that.
 */
final class PoolDump {
    private static final Logger LOG = PoolCore.LOG;

    private final PoolCore pool;
    private final ReentrantLock lock;

    PoolDump(PoolCore pool) {
        this.pool = pool;
        this.lock = pool.lock;
    }

    /**
     * A consistent snapshot of the pool's load.
     *
     * @return the diagnosis
     */
    Diagnosis diagnose() {
        lock.lock();
        try {
            TaskRecord<?> oldest = pool.queue.first();
            Duration age = oldest == null ? Duration.ZERO
                    : Duration.ofNanos(System.nanoTime() - oldest.createdNanos);
            return new Diagnosis(pool.ongoing, pool.liveWorkers,
                    Math.max(0, pool.queue.size() - pool.freeWorkers()), pool.done.size(),
                    pool.rejected.sum(), age, pool.syncWaits.sum(), pool.lateSyncs.sum(),
                    pool.abandonedSyncs.sum(), pool.completed.sum());
        } finally {
            lock.unlock();
        }
    }

    /**
     * The state of every task the pool knows, one summary line each, plus the counters.
     *
     * @return the multi-line dump
     */
    String dump() {
        List<TaskRecord<?>> waiting;
        List<String> busy = new ArrayList<>();
        List<TaskRecord<?>> ended;
        List<TaskRecord<?>> busyTasks = new ArrayList<>();
        List<Integer> busyIndex = new ArrayList<>();
        lock.lock();
        try {
            waiting = pool.queue.snapshot();
            ended = pool.done.snapshot();
            for (Worker w : pool.workers) {
                if (w.current != null) {
                    busyTasks.add(w.current);
                    busyIndex.add(w.index);
                }
            }
        } finally {
            lock.unlock();
        }
        Diagnosis d = diagnose();
        for (int i = 0; i < busyTasks.size(); i++) {
            busy.add("worker " + busyIndex.get(i) + ": " + busyTasks.get(i).summary());
        }
        StringBuilder sb = new StringBuilder();
        sb.append("threadpool ").append(pool.name()).append(": ").append(d).append('\n');
        sb.append("  queued ").append(waiting.size()).append('\n');
        for (TaskRecord<?> t : waiting) {
            sb.append("    ").append(t.summary()).append('\n');
        }
        sb.append("  on workers ").append(busy.size()).append('\n');
        for (String line : busy) {
            sb.append("    ").append(line).append('\n');
        }
        sb.append("  done, not reaped ").append(ended.size()).append('\n');
        for (TaskRecord<?> t : ended) {
            sb.append("    ").append(t.summary()).append('\n');
        }
        String text = sb.toString();
        LOG.log(Level.DEBUG, text);
        return text;
    }
}
