package io.lws4j.internal.pool;

import io.lws4j.internal.observe.Jfr;
import io.lws4j.internal.observe.SyncWaitEvent;
import io.lws4j.internal.observe.TaskEndedEvent;
import io.lws4j.internal.observe.TaskEnqueuedEvent;
import io.lws4j.internal.observe.TaskStartedEvent;
import io.lws4j.threadpool.PoolListener;
import io.lws4j.threadpool.TaskStatus;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * A pool's observers: the counters its MBean adds to {@code diagnose()} (accepted,
 * finished, stopped, failed), the registered {@link PoolListener}s, and the JFR task events.
 *
 * <p>Threading: the counters are adders; the listeners are a copy-on-write array in a
 * volatile field ({@link #addListener} and {@link #removeListener} synchronise on this
 * object, readers take the array without a lock, so a listener added on one thread is called
 * from the next event after the add). Events are made and committed on the thread whose
 * work they describe, never under the pool lock.
 */
final class PoolObservers {
    private static final PoolListener[] NONE = {};

    final LongAdder accepted = new LongAdder();
    final LongAdder finished = new LongAdder();
    final LongAdder stopped = new LongAdder();
    final LongAdder failed = new LongAdder();
    private final String poolName;
    private volatile PoolListener[] listeners = NONE;

    PoolObservers(String poolName) {
        this.poolName = poolName;
    }

    synchronized void addListener(PoolListener listener) {
        PoolListener[] now = listeners;
        PoolListener[] next = Arrays.copyOf(now, now.length + 1);
        next[now.length] = listener;
        listeners = next;
    }

    synchronized boolean removeListener(PoolListener listener) {
        PoolListener[] now = listeners;
        for (int i = 0; i < now.length; i++) {
            if (now[i] == listener) {
                PoolListener[] next = new PoolListener[now.length - 1];
                System.arraycopy(now, 0, next, 0, i);
                System.arraycopy(now, i + 1, next, i, now.length - i - 1);
                listeners = next;
                return true;
            }
        }
        return false;
    }

    /** The enqueuing thread, after admission, with no lock held. */
    void enqueued(TaskRecord<?> t) {
        accepted.increment();
        if (!Jfr.on()) {
            return;
        }
        TaskEnqueuedEvent event = new TaskEnqueuedEvent();
        if (event.shouldCommit()) {
            event.pool = poolName;
            event.task = t.name;
            event.commit();
        }
    }

    /** The worker, after taking the task, with no lock held. */
    void started(TaskRecord<?> t) {
        if (!Jfr.on()) {
            return;
        }
        TaskStartedEvent event = new TaskStartedEvent();
        if (event.shouldCommit()) {
            event.pool = poolName;
            event.task = t.name;
            event.queued = t.acquiredNanos - t.createdNanos;
            event.commit();
        }
    }

    /** A queued task removed before any worker took it: it ends STOPPED, never called. */
    void purged() {
        stopped.increment();
    }

    /**
     * The worker, when a task it ran ended, with no lock held.
     *
     * @param event the task's event, begun when the worker took it; null when JFR was not on
     */
    void ended(TaskRecord<?> t, boolean finishedNormally, TaskEndedEvent event) {
        boolean threw = t.failure != null;
        (finishedNormally ? finished : stopped).increment();
        if (threw) {
            failed.increment();
        }
        if (event != null) {
            event.end();
        }
        if (event != null && event.shouldCommit()) {
            event.pool = poolName;
            event.task = t.name;
            event.outcome = finishedNormally ? "FINISHED" : "STOPPED";
            event.failed = threw;
            event.runTime = t.runNanos;
            event.syncTime = t.syncNanos;
            event.commit();
        }
        PoolListener[] all = listeners;
        if (all.length == 0) {
            return;
        }
        TaskStatus status = finishedNormally ? TaskStatus.FINISHED : TaskStatus.STOPPED;
        long queued = t.acquiredNanos - t.createdNanos;
        long onWorker = t.doneNanos - t.acquiredNanos;
        for (PoolListener l : all) {
            try {
                l.taskEnded(status, threw, queued, onWorker);
            } catch (RuntimeException e) {
                PoolCore.LOG.log(Level.WARNING, "PoolListener.taskEnded threw", e);
            }
        }
    }

    /**
     * The worker, when a SYNC wait ended.
     *
     * @param event the wait's event, begun at the SYNC; null when JFR was not on then
     */
    void syncEnded(TaskRecord<?> t, long waitNanos, boolean acknowledged, SyncWaitEvent event) {
        if (event != null) {
            event.end();
        }
        if (event != null && event.shouldCommit()) {
            event.pool = poolName;
            event.task = t.name;
            event.acknowledged = acknowledged;
            event.commit();
        }
        PoolListener[] all = listeners;
        for (PoolListener l : all) {
            try {
                l.syncWaitEnded(waitNanos, acknowledged);
            } catch (RuntimeException e) {
                PoolCore.LOG.log(Level.WARNING, "PoolListener.syncWaitEnded threw", e);
            }
        }
    }
}
