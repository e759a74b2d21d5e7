package io.lws4j.internal.pool;

import io.lws4j.internal.conn.ConnectionInternals;
import io.lws4j.internal.observe.Jfr;
import io.lws4j.internal.observe.SyncWaitEvent;
import io.lws4j.internal.observe.TaskEndedEvent;
import io.lws4j.threadpool.OutlivePolicy;
import io.lws4j.threadpool.TaskStatus;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One worker thread of a {@link PoolCore}: takes queued tasks and runs each until it ends
 * (its calls, the worker half of the SYNC handshake, its completion), until the pool
 * finishes.
 *
 * <p>Threading: {@link #run} and everything it calls run on this worker's own thread (a
 * jcstress test's thread stands in for it through {@link StressTestPools}). {@link #current}
 * is guarded by the pool lock: written here under it, read under it by {@code finish()},
 * {@code destroy()} and {@code dump()}. The wait queue, the done list and the pool's
 * {@code idle} and {@code ongoing} counts change only under the pool lock; task states
 * change by CAS ({@link TaskState}). The task function, cleanups and connection methods
 * are called with no lock held.
 *
 * <p>Happens-before: a task taken from the queue was published by {@code enqueue} under the
 * pool lock, which {@link #take} acquires; the SYNC wait ends through the task's state word
 * (a volatile CAS by the acknowledging thread, then an unpark); {@link #complete} takes the
 * task off this worker and puts it in the done list under the lock before it counts the
 * completion, so a {@code diagnose()} (which reads under the lock) that sees the count also
 * sees that, and before it posts the service thread's notification (a loop command).
 */
final class Worker implements Runnable {
    private static final Logger LOG = PoolCore.LOG;

    final PoolCore pool;
    final int index;
    volatile Thread thread;
    /** Guarded by the pool lock. */
    TaskRecord<?> current;
    private final ReentrantLock lock;

    Worker(PoolCore pool, int index) {
        this.pool = pool;
        this.index = index;
        this.lock = pool.lock;
    }

    @Override
    public void run() {
        try {
            for (;;) {
                TaskRecord<?> t = take();
                if (t == null) {
                    return;
                }
                runTask(t);
            }
        } finally {
            pool.shutdown.workerExited();
        }
    }

    /** Whether the caller is this worker's thread (any thread for a slot with none). */
    private boolean onOwnThread() {
        Thread own = thread;
        return own == null || own == Thread.currentThread();
    }

    /** Takes the oldest queued task, waiting for one; null when finishing. */
    TaskRecord<?> take() {
        assert onOwnThread() : "worker " + index + " taking on " + Thread.currentThread();
        lock.lock();
        try {
            for (;;) {
                if (pool.runState != PoolCore.RUN) {
                    return null;
                }
                TaskRecord<?> t = pool.queue.pollFirst();
                if (t != null) {
                    Thread.interrupted(); // an interrupt meant for the previous task ends with it
                    boolean acquired = t.state.acquire();
                    assert acquired : "queued task not QUEUED: " + t;
                    long now = System.nanoTime();
                    t.acquiredNanos = now;
                    t.stateSinceNanos = now;
                    current = t;
                    pool.ongoing++;
                    return t;
                }
                pool.idle++;
                try {
                    pool.workAvailable.await();
                } catch (InterruptedException e) {
                    // not destroy's (it interrupts tasks only): the run state decides
                } finally {
                    pool.idle--;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean shouldStopCall(TaskRecord<?> t) {
        if (pool.runState != PoolCore.RUN || t.stopCallRequested) {
            return true;
        }
        return t.boundConnection() == null
                && !(t.outlive && pool.args().outlivePolicy() == OutlivePolicy.CONTINUE);
    }

    /**
     * Runs a task on its worker until it ends, then completes it. Whatever escapes (a
     * {@link VirtualMachineError} thrown by a callback this worker ran while it held a lent
     * service role for its SYNC's notification, such as another task's cleanup or
     * {@code onWritable}, or by the JVM itself) still ends the task {@code STOPPED} and
     * completes it exactly once (decided semantics 2 and 9) before it is rethrown; the lent
     * role itself was given back by the loop on the way out.
     */
    private <U> void runTask(TaskRecord<U> t) {
        try {
            callUntilEnd(t);
        } catch (Throwable e) {
            endAfterEscape(t, e);
            throw e;
        }
    }

    /**
     * After {@code e} escaped {@link #callUntilEnd}: completes the task {@code STOPPED}
     * unless {@link #complete} already took it off the worker (then {@code e} came from its
     * end notification or its cleanup, and the task needs nothing more).
     */
    private void endAfterEscape(TaskRecord<?> t, Throwable e) {
        lock.lock();
        try {
            if (current != t) {
                return;
            }
        } finally {
            lock.unlock();
        }
        if (t.failure == null) {
            t.failure = e;
        }
        t.state.requestStop(); // out of SYNCING (or RUNNING): no one will wait for it now
        try {
            Runnable handed = t.handedWrite == null ? null : t.takeHandedWrite();
            if (handed != null) {
                handed.run(); // an answer handed its write to this worker before the error
            }
        } catch (Throwable again) {
            suppress(e, again);
        }
        try {
            complete(t, TaskState.STOPPED, beganTaskEnded());
        } catch (Throwable again) {
            suppress(e, again); // its end notification or cleanup failed too: e goes on
        }
        try {
            LOG.log(Level.ERROR, "task " + t.name + ": stopped by an error on its worker", e);
        } catch (Throwable again) {
            suppress(e, again);
        }
    }

    private static void suppress(Throwable e, Throwable again) {
        if (again != e) {
            e.addSuppressed(again);
        }
    }

    /**
     * The task's calls and SYNC waits until it ends, then {@link #complete}; a
     * {@link VirtualMachineError} thrown by the task function is rethrown after that.
     */
    private <U> void callUntilEnd(TaskRecord<U> t) {
        pool.observers.started(t);
        TaskEndedEvent event = beganTaskEnded();
        int terminal = TaskState.STOPPED;
        VirtualMachineError fatal = null;
        loop:
        for (;;) {
            int s = t.state.get();
            if (s != TaskState.RUNNING) {
                break; // STOPPING: a stop was asked for since the last call
            }
            boolean stopCall = shouldStopCall(t);
            if (stopCall) {
                if (t.state.requestStop() != TaskState.RUNNING) {
                    continue;
                }
                t.stateSinceNanos = System.nanoTime();
            }
            TaskStatus callStatus = stopCall ? TaskStatus.STOPPING : TaskStatus.RUNNING;
            io.lws4j.threadpool.TaskReturn ret;
            long start = System.nanoTime();
            assert !lock.isHeldByCurrentThread() : "task function called under the pool lock";
            try {
                ret = t.function.run(t.user, callStatus);
            } catch (Throwable e) {
                t.runNanos += System.nanoTime() - start;
                t.failure = e;
                LOG.log(Level.WARNING, "task " + t.name + " failed", e);
                if (e instanceof VirtualMachineError) {
                    fatal = (VirtualMachineError) e;
                }
                terminal = TaskState.STOPPED;
                break;
            }
            t.runNanos += System.nanoTime() - start;
            if (ret == null) {
                LOG.log(Level.WARNING, "task {0} returned null; treated as CHECKING_IN", t.name);
                ret = io.lws4j.threadpool.TaskReturn.CHECKING_IN;
            }
            if (ret.outlive()) {
                t.outlive = true;
            }
            if (stopCall) {
                terminal = ret == io.lws4j.threadpool.TaskReturn.FINISHED
                        ? TaskState.FINISHED : TaskState.STOPPED;
                break;
            }
            switch (ret) {
                case CHECKING_IN:
                case CHECKING_IN_OUTLIVE:
                    break;
                case SYNC:
                case SYNC_OUTLIVE:
                    syncWait(t);
                    break;
                case FINISHED:
                    terminal = TaskState.FINISHED;
                    break loop;
                case STOPPED:
                    terminal = TaskState.STOPPED;
                    break loop;
            }
        }
        complete(t, terminal, event);
        if (fatal != null) {
            throw fatal;
        }
    }

    /** @return a begun TaskEnded event, or null when JFR is not on (see {@link Jfr}) */
    private static TaskEndedEvent beganTaskEnded() {
        if (!Jfr.on()) {
            return null;
        }
        TaskEndedEvent event = new TaskEndedEvent();
        event.begin();
        return event;
    }

    /** The worker half of the SYNC handshake. Returns with the state RUNNING or STOPPING. */
    private void syncWait(TaskRecord<?> t) {
        ConnectionInternals c = t.boundConnection();
        SyncWaitEvent event = null;
        long start = System.nanoTime();
        long gen = t.beginSync(pool.isRunning);
        if (gen < 0 || c == null) {
            return; // nobody to consume: answered at once, the loop decides what is next
        }
        t.stateSinceNanos = start;
        pool.syncWaits.increment();
        pool.handshake.notifyServiceFromWorker(t, c, gen);
        if (Jfr.on() && t.state.get() == TaskState.SYNCING) {
            // a real wait: a SYNC answered while we held the lent role cost no waiting, and
            // an enabled event per SYNC would cost more than answering it
            event = new SyncWaitEvent();
            event.begin();
        }
        long deadline = start + pool.syncBudgetNanos;
        long nextTry = start + pool.syncTryNanos;
        // Late tries are counted by the intervals that have elapsed, not by wake-ups, so a
        // worker that oversleeps (a loaded machine) still reports every try it waited out;
        // the writable is re-requested once per wake-up at a try boundary.
        long triesInBudget = (pool.syncBudgetNanos + pool.syncTryNanos - 1) / pool.syncTryNanos;
        long triesCounted = 0;
        for (;;) {
            long tryEnd = nextTry - deadline < 0 ? nextTry : deadline;
            if (t.state.awaitSyncEnd(tryEnd, pool.watchdog, index)) {
                break;
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                countLateTries(t, triesInBudget - triesCounted);
                if (t.state.abandonSync()) {
                    pool.abandonedSyncs.increment();
                    LOG.log(Level.ERROR, "task {0}: SYNC not acknowledged within {1}; stopping",
                            t.name, pool.args().syncBudget());
                    t.detach();
                }
                break;
            }
            if (now - nextTry >= 0) {
                long expired = Math.min(triesInBudget, (now - start) / pool.syncTryNanos);
                countLateTries(t, expired - triesCounted);
                triesCounted = expired;
                nextTry = start + (expired + 1) * pool.syncTryNanos;
                // Until the acknowledgement, whoever looked: a status() elsewhere, or an
                // onWritable that could not write yet, must not leave the SYNC unasked.
                ConnectionInternals bound = t.boundConnection();
                if (bound != null) {
                    pool.handshake.notifyServiceFromWorker(t, bound, gen);
                }
            }
        }
        t.runHandedWrite(); // our own message, compressed and written by us: see sync()
        long end = System.nanoTime();
        t.syncNanos += end - start;
        t.stateSinceNanos = end;
        pool.observers.syncEnded(t, end - start, t.state.get() == TaskState.RUNNING, event);
    }

    /** Worker only: {@code TaskRecord.lateSyncs} has a single writer, the task's worker. */
    private void countLateTries(TaskRecord<?> t, long tries) {
        if (tries > 0) {
            t.lateSyncs = (int) Math.min(Integer.MAX_VALUE, t.lateSyncs + tries);
            pool.lateSyncs.add(tries);
        }
    }

    private void complete(TaskRecord<?> t, int terminal,
            TaskEndedEvent event) {
        assert onOwnThread() : "worker " + index + " completing on " + Thread.currentThread();
        int fin = t.state.complete(terminal);
        long now = System.nanoTime();
        t.doneNanos = now;
        t.stateSinceNanos = now;
        boolean destroyed;
        lock.lock();
        try {
            current = null;
            pool.ongoing--;
            destroyed = pool.runState == PoolCore.DESTROYED;
            if (!t.isReleased() && t.boundConnection() != null && !destroyed) {
                pool.done.addLast(t);
            }
        } finally {
            lock.unlock();
        }
        // destroy() interrupts only workers that run a task (current != null, under the
        // lock): an interrupt meant for this task ends with it, so its cleanup and the
        // callbacks this worker runs next (blocking I/O among them) do not see it.
        Thread.interrupted();
        // Counted after the bookkeeping above, so a diagnose() that sees the count also sees
        // the task off its worker and in the done list.
        pool.completed.increment();
        pool.observers.ended(t, fin == TaskState.FINISHED, event);
        if (LOG.isLoggable(Level.TRACE)) {
            LOG.log(Level.TRACE, "done {0}", t);
        }
        ConnectionInternals c = t.boundConnection();
        if (c == null || destroyed) {
            pool.reaper.release(t, null);
        } else {
            pool.handshake.notifyServiceFromWorker(t, c, -1);
        }
        assert TaskState.isTerminal(fin);
    }
}
