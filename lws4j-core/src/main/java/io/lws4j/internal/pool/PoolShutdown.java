package io.lws4j.internal.pool;

import io.lws4j.internal.util.WaitNanos;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Shutdown of a {@link PoolCore}: {@code finish()} (refuse, purge the queue, stop syncing
 * tasks), {@code destroy()} (join for the grace period, interrupt and report stuck tasks,
 * release the unreaped), joining the workers, and the workers' exit bookkeeping.
 *
 * <p>Run state: RUNNING -> FINISHING ({@link #finish}) -> DESTROYED (the first
 * {@link #destroy}); monotonic, written under the pool lock, read anywhere (volatile).
 *
 * <p>Threading: any method may be called from any thread; {@link #workerExited} runs on
 * the exiting worker. The pool lock guards the run-state writes, the wait queue, the done
 * list, the worker slots' {@code current}, {@code liveWorkers} and {@code destroyer}; the
 * conditions {@code workAvailable}, {@code allExited} and {@code destroyFinished} belong to
 * it. Purged and unreaped tasks are released, and joins are done, with no lock held.
 *
 * <p>Happens-before: a destroy() call that waits for the first one sees its work done
 * (the first call clears {@code destroyer} and signals {@code destroyFinished} under the
 * lock); {@link #awaitTermination} returning true follows every worker's exit bookkeeping
 * (under the lock); joining a worker thread follows everything it did.
 */
final class PoolShutdown {
    private static final Logger LOG = PoolCore.LOG;

    private final PoolCore pool;
    private final ReentrantLock lock;

    PoolShutdown(PoolCore pool) {
        this.pool = pool;
        this.lock = pool.lock;
    }

    /** A failed start: stops the workers started so far and waits for them to exit. */
    void stopStartedWorkers() {
        finish();
        if (!joinWorkers(TimeUnit.SECONDS.toNanos(5))) {
            LOG.log(Level.WARNING, "pool {0}: started workers did not exit within 5 s",
                    pool.name());
        }
    }

    /** A worker's last step, on its own thread: the last one out stops the watchdog. */
    void workerExited() {
        lock.lock();
        try {
            pool.liveWorkers--;
            if (pool.liveWorkers == 0) {
                pool.watchdog.shutdown();
            }
            pool.allExited.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Refuses new tasks, stops every waiting task without a call (released here, with
     * null), wakes syncing tasks with a stop, and lets running ones see STOPPING at their
     * next call. Returns at once.
     */
    void finish() {
        List<TaskRecord<?>> purged;
        List<TaskRecord<?>> running = new ArrayList<>();
        lock.lock();
        try {
            if (pool.runState != PoolCore.RUN) {
                return;
            }
            pool.runState = PoolCore.FINISHING;
            purged = pool.queue.drain();
            for (TaskRecord<?> t : purged) {
                boolean cancelled = t.state.cancelQueued();
                assert cancelled : t;
            }
            for (Worker w : pool.workers) {
                if (w.current != null) {
                    running.add(w.current);
                }
            }
            pool.workAvailable.signalAll();
        } finally {
            lock.unlock();
        }
        long now = System.nanoTime();
        for (TaskRecord<?> t : purged) {
            t.doneNanos = now;
            pool.completed.increment();
            pool.observers.purged();
            pool.reaper.release(t, null);
        }
        for (TaskRecord<?> t : running) {
            if (t.state.get() == TaskState.SYNCING) {
                t.state.requestStop();
            }
        }
        LOG.log(Level.DEBUG, "pool {0} finishing: {1} waiting tasks stopped, {2} on workers",
                pool.name(), purged.size(), running.size());
    }

    /**
     * {@link #finish()}, then joins the workers for up to the shutdown grace period,
     * interrupts and reports those still busy, and releases every ended task not yet reaped
     * (with null, on this thread). Tasks still running after the grace period are detached
     * and released by their worker when they return.
     *
     * <p>Every call returns only once that work is done: a call concurrent with or after
     * the first waits for the first to finish, then for the workers, up to the grace period
     * (uninterruptibly; an interrupt is kept). Two callers wait for nothing: one of the
     * pool's workers (from a task function, or a cleanup or callback it runs), which cannot
     * wait for itself, and the thread running the first call (from a cleanup that call
     * runs). A worker's own task, still running the call, is not reported; when it returns,
     * its worker releases it with null.
     *
     * @return the summaries of tasks still running after the grace period (empty when all
     *     workers exited; empty for every call but the first)
     */
    List<String> destroy() {
        finish();
        Thread caller = Thread.currentThread();
        boolean first = false;
        lock.lock();
        try {
            if (pool.runState == PoolCore.DESTROYED) {
                if (caller == pool.destroyer || isWorker(caller)) {
                    return List.of();
                }
                while (pool.destroyer != null) {
                    pool.destroyFinished.awaitUninterruptibly();
                }
            } else {
                pool.runState = PoolCore.DESTROYED;
                pool.destroyer = caller;
                first = true;
            }
        } finally {
            lock.unlock();
        }
        if (!first) {
            joinWorkers(WaitNanos.of(pool.args().shutdownGrace()));
            return List.of();
        }
        try {
            return destroyWorkers();
        } finally {
            lock.lock();
            try {
                pool.destroyer = null;
                pool.destroyFinished.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private boolean isWorker(Thread t) {
        assert lock.isHeldByCurrentThread();
        for (Worker w : pool.workers) {
            if (w.thread == t) {
                return true;
            }
        }
        return false;
    }

    /** The first destroy() call's work, after the run state became DESTROYED. */
    private List<String> destroyWorkers() {
        List<String> stuck = new ArrayList<>();
        if (!joinWorkers(WaitNanos.of(pool.args().shutdownGrace()))) {
            List<TaskRecord<?>> busy = new ArrayList<>();
            lock.lock();
            try {
                for (Worker w : pool.workers) {
                    Thread th = w.thread;
                    // only a worker that runs a task: see complete() for the other half
                    if (th != null && th.isAlive() && th != Thread.currentThread()
                            && w.current != null) {
                        busy.add(w.current);
                        th.interrupt();
                    }
                }
            } finally {
                lock.unlock();
            }
            for (TaskRecord<?> t : busy) {
                stuck.add(t.summary());
                pool.reaper.detachAndReleaseIfEnded(t);
            }
            LOG.log(Level.WARNING,
                    "pool {0}: {1} task(s) did not stop within {2}; interrupted: {3}",
                    pool.name(), busy.size(), pool.args().shutdownGrace(), stuck);
        }
        List<TaskRecord<?>> unreaped;
        lock.lock();
        try {
            unreaped = pool.done.drain();
        } finally {
            lock.unlock();
        }
        for (TaskRecord<?> t : unreaped) {
            pool.reaper.release(t, null);
        }
        LOG.log(Level.DEBUG, "pool {0} destroyed", pool.name());
        return stuck;
    }

    /**
     * Waits for every worker (other than the caller) to exit.
     *
     * @param timeoutNanos the most to wait
     * @return true when they all exited
     */
    boolean joinWorkers(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        List<Thread> threads = new ArrayList<>();
        lock.lock();
        try {
            for (Worker w : pool.workers) {
                if (w.thread != null) {
                    threads.add(w.thread);
                }
            }
        } finally {
            lock.unlock();
        }
        boolean all = true;
        boolean interrupted = false;
        for (Thread th : threads) {
            if (th == Thread.currentThread()) {
                continue;
            }
            for (;;) {
                long left = deadline - System.nanoTime();
                if (!th.isAlive()) {
                    break;
                }
                if (left <= 0) {
                    all = false;
                    break;
                }
                try {
                    th.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return all;
    }

    /**
     * Waits until every worker has exited.
     *
     * @param timeout the most to wait
     * @return true when they have
     * @throws InterruptedException when interrupted while waiting
     */
    boolean awaitTermination(Duration timeout) throws InterruptedException {
        long left = WaitNanos.of(timeout);
        lock.lock();
        try {
            while (pool.liveWorkers > 0 && !onlyCallerLeft()) {
                if (left <= 0) {
                    return false;
                }
                left = pool.allExited.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private boolean onlyCallerLeft() {
        if (pool.liveWorkers != 1) {
            return false;
        }
        for (Worker w : pool.workers) {
            if (w.thread == Thread.currentThread()) {
                return true;
            }
        }
        return false;
    }
}
