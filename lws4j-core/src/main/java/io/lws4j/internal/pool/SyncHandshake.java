package io.lws4j.internal.pool;

import io.lws4j.internal.conn.ConnectionInternals;
import io.lws4j.threadpool.TaskStatus;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.locks.LockSupport;

/**
 * The service-thread half of a {@link PoolCore}'s SYNC handshake: asking the connection's
 * service role to look at a task (a loop command, or from the task's own worker one it may
 * serve itself), asking for the writable the user reaps in, {@code Task.status()} (which
 * records an observed SYNC) and {@code Task.sync(stop)} (which acknowledges only the SYNC a
 * status query observed, or stops the task). The worker half is {@link Worker}.
 *
 * <p>Threading: {@link #status} and {@link #sync} may be called from any thread; the
 * notification ({@link #onServiceNotify}) runs on the connection's service thread. Nothing
 * here takes the pool lock except through {@link TaskReaper}; the handshake itself is the
 * task's state word ({@link TaskState}: CAS only), so no user callback and no connection
 * method runs under the lock.
 *
 * <p>Happens-before: what the task wrote before returning SYNC is visible to whoever
 * observes SYNCING (the worker publishes it by a volatile CAS); an acknowledgement's
 * effects (and a handed write, set before its CAS) are visible to the worker once it sees
 * its wait ended. An acknowledgement that loses to a stop takes a handed write back and
 * runs it itself, so it runs exactly once.
 */
final class SyncHandshake {
    private static final Logger LOG = PoolCore.LOG;

    private final PoolCore pool;

    SyncHandshake(PoolCore pool) {
        this.pool = pool;
    }

    /**
     * Asks the connection's service role to look at the task, from any thread: a loop
     * command.
     */
    void notifyService(TaskRecord<?> t, ConnectionInternals c, long gen) {
        if (!c.isOpen()) {
            return;
        }
        c.execute(() -> onServiceNotify(t, c, gen));
    }

    /**
     * {@link #notifyService} from the task's own worker (its SYNC or its end): the one case
     * where an idle loop lends the worker its role, so the worker answers itself.
     */
    void notifyServiceFromWorker(TaskRecord<?> t, ConnectionInternals c, long gen) {
        if (!c.isOpen()) {
            return;
        }
        c.executeOrServe(() -> onServiceNotify(t, c, gen));
    }

    /** Runs on the connection's service thread: asks for the writable the user reaps in. */
    private void onServiceNotify(TaskRecord<?> t, ConnectionInternals c, long gen) {
        assert c.inServiceThread() : "notification off the service thread";
        if (t.boundConnection() != c || !c.isOpen()) {
            return;
        }
        int s = t.state.get();
        boolean wanted = gen < 0
                ? TaskState.isTerminal(s) && !t.isReleased()
                : t.state.isSyncing(gen);
        if (wanted) {
            try {
                c.callbackOnWritableFromCommand(); // we run as a command: see its javadoc
            } catch (IllegalStateException closing) {
                LOG.log(Level.DEBUG, "writable refused for task {0}: {1}", t.name,
                        closing.getMessage());
            }
        }
    }

    /**
     * {@code Task.status()}: reports the state, reaping a terminal task (cleanup with the
     * live connection when called on its service thread, else with null). A SYNCING state is
     * recorded as observed, which lets a later {@link #sync} acknowledge that SYNC; nothing
     * else changes, so the SYNC still asks for writable until it is acknowledged.
     *
     * @param t the task
     * @return the status
     */
    TaskStatus status(TaskRecord<?> t) {
        int s = t.state.observe();
        if (TaskState.isTerminal(s) && !t.isReleased()) {
            pool.reaper.release(t, pool.reaper.liveConnectionForCaller(t));
        }
        return TaskRecord.toStatus(s);
    }

    /**
     * {@code Task.sync(stop)}.
     *
     * <p>An acknowledgement by a service-role holder other than the task's worker (the
     * loop's thread, or a worker that borrowed the role) first asks the connection to hand
     * the write of what the answer queued to the released worker
     * ({@link ConnectionInternals#claimWriteForSyncingWorker()}): with permessage-deflate,
     * compression costs more than producing the next message, so a worker released while
     * someone else compressed for it ran ahead to the queue's bound and then waited while
     * that backlog was compressed by one thread, leaving a core idle. The worker takes the
     * write after its wait ends, whatever ended it; an acknowledgement that loses to a stop
     * takes the write back and runs it itself, so it runs exactly once.
     *
     * <p>{@code sync(false)} acknowledges only the SYNC that a status query observed
     * ({@link TaskState#observedSync()}): a late or stray acknowledgement, made without a
     * query that saw the SYNC now waiting, is ignored (logged at DEBUG), so it cannot release
     * a SYNC whose output nobody has consumed.
     *
     * @param t the task
     * @param stop true to stop the task
     */
    void sync(TaskRecord<?> t, boolean stop) {
        if (!stop) {
            long gen = t.state.observedSync();
            if (gen < 0) {
                if (t.state.get() == TaskState.SYNCING) {
                    LOG.log(Level.DEBUG, "task {0}: sync(false) ignored: no status query has"
                            + " seen the SYNC now waiting (a late or stray acknowledgement)",
                            t.name);
                }
                return;
            }
            ConnectionInternals c = t.boundConnection();
            Runnable handed = null;
            if (c != null && !t.state.isWorker(Thread.currentThread()) && c.inServiceThread()) {
                // The worker would only produce its next message while we compress this
                // one, and run ahead until the queue's bound holds it: give it the work.
                handed = c.claimWriteForSyncingWorker();
                if (handed != null) {
                    t.handedWrite = handed;
                }
            }
            Thread worker = t.state.acknowledgeDeferred(gen);
            if (worker != null) {
                if (c == null || !c.unparkAfterService(worker)) {
                    LockSupport.unpark(worker);
                }
            } else if (handed != null && (handed = t.takeHandedWrite()) != null) {
                handed.run(); // a stop or the budget ended the wait: the worker may have looked
            }
            return;
        }
        for (;;) {
            int s = t.state.get();
            if (s == TaskState.QUEUED) {
                if (pool.reaper.purgeQueued(t)) {
                    pool.reaper.keepForReap(t);
                    return;
                }
            } else if (s == TaskState.RUNNING || s == TaskState.SYNCING) {
                int before = t.state.requestStop();
                if (before == TaskState.RUNNING || before == TaskState.SYNCING) {
                    return;
                }
            } else {
                return; // STOPPING already, or terminal: nothing to do
            }
        }
    }
}
