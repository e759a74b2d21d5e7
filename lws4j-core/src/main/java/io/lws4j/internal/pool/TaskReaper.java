package io.lws4j.internal.pool;

import io.lws4j.Connection;
import io.lws4j.internal.conn.ConnectionInternals;
import io.lws4j.threadpool.OutlivePolicy;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reaping and release for a {@link PoolCore}: purging a queued task, keeping a stopped one
 * bound until it is reaped, {@code Task.dequeue()}, the connection close hook, and
 * {@link #release}, the one place a task's cleanup runs (exactly once, guarded by
 * {@code TaskRecord.claimRelease()}).
 *
 * <p>Threading: any method may be called from any thread; {@link #onConnectionClosed} runs
 * on the closing connection's service thread. The pool lock guards the wait queue and the
 * done list: a purge cancels QUEUED and unlinks the task in one critical section, so "in
 * the queue" and "QUEUED" change together. Cleanup is called with no lock held.
 *
 * <p>Happens-before: {@link #detachAndReleaseIfEnded} detaches, then reads the state, while
 * the worker's {@code complete()} sets the terminal state, then reads the binding (a
 * Dekker pair over volatiles), so at least one of them releases the task; the release CAS
 * makes it exactly one.
 */
final class TaskReaper {
    private static final Logger LOG = PoolCore.LOG;

    private final PoolCore pool;
    private final ReentrantLock lock;

    TaskReaper(PoolCore pool) {
        this.pool = pool;
        this.lock = pool.lock;
    }

    /** A queued task stopped without being called stays bound until reaped. */
    void keepForReap(TaskRecord<?> t) {
        ConnectionInternals c = t.boundConnection();
        lock.lock();
        try {
            if (!t.isReleased() && c != null) {
                pool.done.addLast(t);
            }
        } finally {
            lock.unlock();
        }
        if (c == null) {
            release(t, null);
        } else {
            pool.handshake.notifyService(t, c, -1);
        }
    }

    boolean purgeQueued(TaskRecord<?> t) {
        lock.lock();
        try {
            if (pool.queue.contains(t) && t.state.cancelQueued()) {
                pool.queue.remove(t);
            } else {
                return false;
            }
        } finally {
            lock.unlock();
        }
        long now = System.nanoTime();
        t.doneNanos = now;
        t.stateSinceNanos = now;
        pool.completed.increment();
        pool.observers.purged();
        return true;
    }

    /**
     * {@code Task.dequeue()}.
     *
     * @param t the task
     * @return true when the task was on a worker and has been asked to stop asynchronously
     */
    boolean dequeue(TaskRecord<?> t) {
        for (;;) {
            int s = t.state.get();
            if (TaskState.isTerminal(s)) {
                if (!t.isReleased()) {
                    release(t, liveConnectionForCaller(t));
                }
                return false;
            }
            if (s == TaskState.QUEUED) {
                if (purgeQueued(t)) {
                    release(t, liveConnectionForCaller(t));
                    return false;
                }
                continue;
            }
            // on a worker
            if (t.outlive) {
                t.stopCallRequested = true;
                t.state.acknowledge(); // a syncing OUTLIVE task resumes into its STOPPING call
            } else {
                int before = t.state.requestStop();
                if (TaskState.isTerminal(before)) {
                    continue;
                }
            }
            detachAndReleaseIfEnded(t);
            return true;
        }
    }

    /** Detaches; if the task has ended meanwhile (Dekker with complete()), releases it. */
    void detachAndReleaseIfEnded(TaskRecord<?> t) {
        t.detach();
        if (TaskState.isTerminal(t.state.get())) {
            release(t, null);
        }
    }

    /** The connection close hook, per bound task, on the closing service thread. */
    void onConnectionClosed(TaskRecord<?> t) {
        boolean continueOutlive = pool.args().outlivePolicy() == OutlivePolicy.CONTINUE;
        for (;;) {
            int s = t.detachOnClose(continueOutlive);
            if (s == TaskState.QUEUED) {
                if (purgeQueued(t)) {
                    release(t, null);
                    return;
                }
                continue; // a worker took it meanwhile
            }
            if (TaskState.isTerminal(s)) {
                release(t, null);
            }
            return;
        }
    }

    ConnectionInternals liveConnectionForCaller(TaskRecord<?> t) {
        ConnectionInternals c = t.boundConnection();
        return c != null && c.inServiceThread() && c.isOpen() ? c : null;
    }

    /**
     * Runs the task's cleanup if nobody has: detaches it, drops it from the done list, then
     * calls cleanup with no lock held.
     */
    <U> void release(TaskRecord<U> t, Connection connectionOrNull) {
        if (!t.claimRelease()) {
            return;
        }
        lock.lock();
        try {
            pool.done.remove(t);
        } finally {
            lock.unlock();
        }
        t.detach();
        if (LOG.isLoggable(Level.TRACE)) {
            LOG.log(Level.TRACE, "releasing {0}", t);
        }
        assert !lock.isHeldByCurrentThread() : "cleanup called under the pool lock";
        try {
            t.cleanup.cleanup(connectionOrNull, t.user);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            LOG.log(Level.WARNING, "cleanup of task " + t.name + " failed", e);
        }
    }
}
