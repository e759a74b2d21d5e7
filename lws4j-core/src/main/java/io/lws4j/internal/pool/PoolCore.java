package io.lws4j.internal.pool;

import io.lws4j.internal.conn.ConnectionInternals;
import io.lws4j.internal.util.WaitNanos;
import io.lws4j.threadpool.Cleanup;
import io.lws4j.threadpool.CreateArgs;
import io.lws4j.threadpool.Diagnosis;
import io.lws4j.threadpool.TaskFunction;
import io.lws4j.threadpool.TaskStatus;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine behind {@code io.lws4j.threadpool.ThreadPool}: the pool's shared state (the
 * lock, the wait queue, the done list, the worker slots, the run state, the counters),
 * admission, and the entry points. The work is split along its seams: {@link Worker} (the
 * run loop and the worker half of the SYNC handshake), {@link SyncHandshake} (the service
 * half: notify, status, acknowledge), {@link TaskReaper} (purge, dequeue, close hook,
 * release), {@link PoolShutdown} (finish, destroy, join) and {@link PoolDump} (diagnose,
 * dump). Each works on this object's state under {@link #lock}, as described below.
 *
 * <p>Thread-safe: any method may be called from any thread. No user code (task function,
 * cleanup) and no connection method is ever called with {@link #lock} held.
 */
public final class PoolCore {
    /*
     * Locking. One ReentrantLock `lock` guards: the wait queue and the done list (intrusive
     * TaskLists), each worker's `current`, `idle`, `ongoing`, `liveWorkers` and `runState`
     * writes. Task states are NOT guarded by it: they change by CAS (TaskState); the lock
     * only makes "in the queue" and "QUEUED" change together (acquire and cancel both CAS
     * under the lock and unlink in the same critical section).
     *
     * Admission. A free worker (live, not running a task: parked in workAvailable.await or
     * on its way back to take()) takes a queued task at once, since take() polls the queue
     * before parking. A task is accepted when queue.size() < free + maxQueueDepth: the
     * first `free` queued tasks are claimed by free workers, so only the rest count as
     * waiting.
     *
     * Run state: RUNNING -> FINISHING (finish(): no admissions, queue purged, workers exit
     * when they come back for work, tasks on workers see STOPPING at their next call, syncing
     * ones are stopped at once) -> DESTROYED (destroy() joined or gave up on the workers and
     * released every remaining task). Monotonic. A task that ends once the pool is DESTROYED
     * is released by its worker (with null), since nobody drains the done list any more.
     *
     * Life of a task after enqueue (who releases it, i.e. runs cleanup exactly once):
     *   - purged from the queue (dequeue / stop / close / finish): the purging thread;
     *   - ended on a worker while detached: the worker, with null;
     *   - ended on a worker while bound: it goes to the done list and the service thread is
     *     asked for a writable; status() there reaps it with the live connection; a close,
     *     dequeue or destroy before that releases it with null.
     */

    static final Logger LOG = System.getLogger("io.lws4j.threadpool");

    static final int RUN = 0;
    static final int FINISHING = 1;
    static final int DESTROYED = 2;

    private final String name;
    private final CreateArgs args;
    final long syncBudgetNanos;
    final long syncTryNanos;
    final ReentrantLock lock = new ReentrantLock();
    /** Wakes syncing workers at their try boundaries, so they park untimed. */
    final SyncWatchdog watchdog;
    final Condition workAvailable = lock.newCondition();
    final Condition allExited = lock.newCondition();
    /** Signalled when the first destroy() call has done its work. */
    final Condition destroyFinished = lock.newCondition();
    /** Guarded by lock: the thread running the first destroy() call, until it is done. */
    Thread destroyer;
    /** Guarded by lock. */
    final TaskList queue = new TaskList();
    /** Guarded by lock: ended, bound, not yet released. */
    final TaskList done = new TaskList();
    /** Guarded by lock. */
    final List<Worker> workers = new ArrayList<>();
    /** Guarded by lock. */
    int idle;
    /** Guarded by lock. */
    int ongoing;
    /** Guarded by lock. */
    int liveWorkers;
    /** Written under lock; read anywhere. */
    volatile int runState = RUN;
    /** Reads the run state; one instance, so a SYNC allocates nothing for it. */
    final java.util.function.BooleanSupplier isRunning = () -> runState == RUN;

    // Counters for diagnose(): written by every worker, read rarely, so adders (no CAS
    // contention between workers on one cache line).
    final LongAdder rejected = new LongAdder();
    final LongAdder syncWaits = new LongAdder();
    final LongAdder lateSyncs = new LongAdder();
    final LongAdder abandonedSyncs = new LongAdder();
    final LongAdder completed = new LongAdder();
    /** The MBean's extra counters, the listeners and the JFR task events. */
    final PoolObservers observers;

    final SyncHandshake handshake;
    final TaskReaper reaper;
    final PoolShutdown shutdown;
    private final PoolDump dump;

    /** Made by {@link #start} (or, with no worker started, by {@link StressTestPools}). */
    PoolCore(String name, CreateArgs args) {
        this.name = name;
        this.args = args;
        this.syncBudgetNanos = WaitNanos.of(args.syncBudget());
        this.syncTryNanos = Math.min(WaitNanos.of(args.syncRetryInterval()), syncBudgetNanos);
        this.watchdog = new SyncWatchdog(args.threads());
        this.handshake = new SyncHandshake(this);
        this.reaper = new TaskReaper(this);
        this.shutdown = new PoolShutdown(this);
        this.dump = new PoolDump(this);
        this.observers = new PoolObservers(name);
    }

    /**
     * Builds a pool and starts its workers and its sync watchdog. Creation is atomic: when a
     * worker or the watchdog cannot be made or started, the workers already started are
     * stopped and joined and the failure is thrown.
     *
     * @param name the pool name (the worker threads the pool makes itself, without a thread
     *     factory, are named {@code name-index}; a factory's threads keep their names)
     * @param args the settings
     * @return the running pool
     * @throws IllegalStateException when a worker thread or the watchdog thread could not be
     *     started
     */
    public static PoolCore start(String name, CreateArgs args) {
        return start(name, args, SyncWatchdog::start);
    }

    /**
     * {@link #start(String, CreateArgs)} with the watchdog started by {@code startWatchdog}
     * (tests make it fail).
     */
    static PoolCore start(String name, CreateArgs args,
                          java.util.function.BiConsumer<SyncWatchdog, String> startWatchdog) {
        PoolCore pool = new PoolCore(name, args);
        ThreadFactory factory = args.threadFactory();
        for (int i = 0; i < args.threads(); i++) {
            Worker w = new Worker(pool, i);
            Thread t;
            try {
                t = factory == null ? new Thread(w, name + "-" + i) : factory.newThread(w);
                if (t == null) {
                    throw new IllegalStateException("thread factory returned null");
                }
                if (factory == null) {
                    t.setDaemon(true);
                }
                w.thread = t;
                pool.watchdog.register(i, t);
                pool.addWorker(w);
                t.start();
            } catch (RuntimeException | Error e) {
                pool.lock.lock();
                try {
                    if (pool.workers.remove(w)) {
                        pool.liveWorkers--;
                    }
                } finally {
                    pool.lock.unlock();
                }
                pool.shutdown.stopStartedWorkers();
                throw new IllegalStateException("pool " + name + ": could not start worker "
                        + i + " of " + args.threads(), e);
            }
        }
        try {
            startWatchdog.accept(pool.watchdog, name + "-sync-watchdog");
        } catch (RuntimeException | Error e) {
            pool.shutdown.stopStartedWorkers();
            throw new IllegalStateException("pool " + name
                    + ": could not start its sync watchdog thread", e);
        }
        return pool;
    }

    /** Counts a worker as live before its thread starts. */
    void addWorker(Worker w) {
        lock.lock();
        try {
            workers.add(w);
            liveWorkers++;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The pool name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The settings.
     *
     * @return the settings
     */
    public CreateArgs args() {
        return args;
    }

    /**
     * Makes and admits a task.
     *
     * @param <U> the user type
     * @param connection the connection to bind to
     * @param taskName the task name
     * @param user the user object
     * @param function the task function
     * @param cleanup the cleanup
     * @param handleFactory makes the public handle of the record before it is published
     * @return the admitted record
     * @throws RejectedExecutionException when the queue is full, the pool is finishing or
     *     the connection has closed
     */
    public <U> TaskRecord<U> enqueue(ConnectionInternals connection, String taskName, U user,
                                     TaskFunction<U> function, Cleanup<U> cleanup,
                                     java.util.function.Function<TaskRecord<U>, Object> handleFactory) {
        // A refusal leaves the connection untouched: when the connection has no task list
        // yet, admission is checked before the list (and its close hook) is created. The
        // check under the lock below is the authoritative one; a connection that already has
        // its list skips the early check (one lock round less per task).
        String refusal;
        ConnectionTasks ct = ConnectionTasks.existing(connection);
        if (ct == null) {
            lock.lock();
            try {
                refusal = lockedAdmissionRefusal();
            } finally {
                lock.unlock();
            }
            if (refusal != null) {
                return refuse(taskName, refusal);
            }
        }
        TaskRecord<U> t = new TaskRecord<>(this, connection, taskName, user, function, cleanup);
        t.handle(handleFactory.apply(t));
        if (ct == null) {
            ct = ConnectionTasks.of(connection);
        }
        lock.lock();
        try {
            refusal = lockedAdmissionRefusal();
            if (refusal == null) {
                if (ct.add(t)) {
                    queue.addLast(t);
                    if (idle > 0) {
                        workAvailable.signal();
                    }
                } else {
                    refusal = "connection closed";
                }
            }
        } finally {
            lock.unlock();
        }
        if (refusal != null) {
            return refuse(taskName, refusal);
        }
        observers.enqueued(t);
        if (LOG.isLoggable(Level.TRACE)) {
            LOG.log(Level.TRACE, "enqueued {0}", taskName);
        }
        return t;
    }

    /** Why a task cannot be admitted now, or null when it can. */
    private String lockedAdmissionRefusal() {
        assert lock.isHeldByCurrentThread();
        if (runState != RUN) {
            return "pool " + name + " is finishing";
        }
        if (queue.size() >= freeWorkers() + args.maxQueueDepth()) {
            return "pool " + name + ": queue full (maxQueueDepth " + args.maxQueueDepth()
                    + ", " + ongoing + " of " + liveWorkers + " workers busy)";
        }
        return null;
    }

    private <T> T refuse(String taskName, String refusal) {
        rejected.increment();
        LOG.log(Level.DEBUG, "refused task {0}: {1}", taskName, refusal);
        throw new RejectedExecutionException(refusal);
    }

    /** Workers not running a task: they take from the queue before they next park. */
    int freeWorkers() {
        assert lock.isHeldByCurrentThread();
        return Math.max(0, liveWorkers - ongoing);
    }

    // ------------------------------------------------- entry points (see the seam classes)

    /**
     * {@code Task.status()}: reports the state, reaping a terminal task (cleanup with the
     * live connection when called on its service thread, else with null). A SYNCING state is
     * recorded as observed, which lets a later {@link #sync} acknowledge that SYNC; nothing
     * else changes, so the SYNC still asks for writable until it is acknowledged. See
     * {@link SyncHandshake#status}.
     *
     * @param t the task
     * @return the status
     */
    public TaskStatus status(TaskRecord<?> t) {
        return handshake.status(t);
    }

    /**
     * {@code Task.sync(stop)}: acknowledges the SYNC a status query observed, or stops the
     * task. See {@link SyncHandshake#sync}.
     *
     * @param t the task
     * @param stop true to stop the task
     */
    public void sync(TaskRecord<?> t, boolean stop) {
        handshake.sync(t, stop);
    }

    /**
     * {@code Task.dequeue()}. See {@link TaskReaper#dequeue}.
     *
     * @param t the task
     * @return true when the task was on a worker and has been asked to stop asynchronously
     */
    public boolean dequeue(TaskRecord<?> t) {
        return reaper.dequeue(t);
    }

    /** The connection close hook, per bound task, on the closing service thread. */
    void onConnectionClosed(TaskRecord<?> t) {
        reaper.onConnectionClosed(t);
    }

    /**
     * Refuses new tasks, stops every waiting task without a call (released here, with
     * null), wakes syncing tasks with a stop, and lets running ones see STOPPING at their
     * next call. Returns at once. See {@link PoolShutdown#finish}.
     */
    public void finish() {
        shutdown.finish();
    }

    /**
     * {@link #finish()}, then joins the workers for up to the shutdown grace period,
     * interrupts and reports those still busy, and releases every ended task not yet reaped.
     * Every call returns only once that work is done, except on a worker of this pool or
     * on the thread running the first call. See {@link PoolShutdown#destroy}.
     *
     * @return the summaries of tasks still running after the grace period (empty when all
     *     workers exited; empty for every call but the first)
     */
    public List<String> destroy() {
        return shutdown.destroy();
    }

    /**
     * Waits for every worker (other than the caller) to exit.
     *
     * @param timeoutNanos the most to wait
     * @return true when they all exited
     */
    boolean joinWorkers(long timeoutNanos) {
        return shutdown.joinWorkers(timeoutNanos);
    }

    /**
     * Waits until every worker has exited.
     *
     * @param timeout the most to wait
     * @return true when they have
     * @throws InterruptedException when interrupted while waiting
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return shutdown.awaitTermination(timeout);
    }

    /**
     * Tells whether {@link #finish()} has been called.
     *
     * @return true once finishing
     */
    public boolean isShutdown() {
        return runState != RUN;
    }

    /**
     * Tells whether the pool is finishing and every worker has exited.
     *
     * @return true once terminated
     */
    public boolean isTerminated() {
        lock.lock();
        try {
            return runState != RUN && liveWorkers == 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The worker threads, for tests and diagnostics.
     *
     * @return the threads in index order
     */
    public List<Thread> workerThreads() {
        lock.lock();
        try {
            List<Thread> all = new ArrayList<>();
            for (Worker w : workers) {
                all.add(w.thread);
            }
            return all;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Registers a listener for ended tasks and SYNC waits.
     *
     * @param listener the listener
     */
    public void addListener(io.lws4j.threadpool.PoolListener listener) {
        observers.addListener(listener);
    }

    /**
     * Removes a listener added by {@link #addListener}.
     *
     * @param listener the listener, compared by identity
     * @return true when it was registered
     */
    public boolean removeListener(io.lws4j.threadpool.PoolListener listener) {
        return observers.removeListener(listener);
    }

    /** @return tasks admitted since the pool was created */
    public long accepted() {
        return observers.accepted.sum();
    }

    /** @return tasks that ended FINISHED */
    public long finished() {
        return observers.finished.sum();
    }

    /** @return tasks that ended STOPPED, those removed from the queue included */
    public long stopped() {
        return observers.stopped.sum();
    }

    /** @return tasks whose function threw */
    public long failed() {
        return observers.failed.sum();
    }

    /**
     * A consistent snapshot of the pool's load.
     *
     * @return the diagnosis
     */
    public Diagnosis diagnose() {
        return dump.diagnose();
    }

    /**
     * The state of every task the pool knows, one summary line each, plus the counters.
     *
     * @return the multi-line dump
     */
    public String dump() {
        return dump.dump();
    }
}
