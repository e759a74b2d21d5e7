package io.lws4j.internal.pool;

import io.lws4j.Connection;
import io.lws4j.internal.conn.ConnectionInternals;
import io.lws4j.threadpool.Cleanup;
import io.lws4j.threadpool.CreateArgs;
import io.lws4j.threadpool.Diagnosis;
import io.lws4j.threadpool.OutlivePolicy;
import io.lws4j.threadpool.TaskFunction;
import io.lws4j.threadpool.TaskStatus;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine behind {@code io.lws4j.threadpool.ThreadPool}: the wait queue, the workers,
 * the per-task worker loop with the SYNC wait, the reap and release paths, and shutdown.
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

    private static final int RUN = 0;
    private static final int FINISHING = 1;
    private static final int DESTROYED = 2;

    private final String name;
    private final CreateArgs args;
    private final long syncBudgetNanos;
    private final long syncTryNanos;
    private final ReentrantLock lock = new ReentrantLock();
    /** Wakes syncing workers at their try boundaries, so they park untimed. */
    private final SyncWatchdog watchdog;
    private final Condition workAvailable = lock.newCondition();
    private final Condition allExited = lock.newCondition();
    /** Signalled when the first destroy() call has done its work. */
    private final Condition destroyFinished = lock.newCondition();
    /** Guarded by lock: the thread running the first destroy() call, until it is done. */
    private Thread destroyer;
    /** Guarded by lock. */
    private final TaskList queue = new TaskList();
    /** Guarded by lock: ended, bound, not yet released. */
    private final TaskList done = new TaskList();
    private final List<Worker> workers = new ArrayList<>();
    /** Guarded by lock. */
    private int idle;
    /** Guarded by lock. */
    private int ongoing;
    /** Guarded by lock. */
    private int liveWorkers;
    /** Written under lock; read anywhere. */
    private volatile int runState = RUN;
    /** Reads the run state; one instance, so a SYNC allocates nothing for it. */
    private final java.util.function.BooleanSupplier isRunning = () -> runState == RUN;

    // Counters for diagnose(): written by every worker, read rarely, so adders (no CAS
    // contention between workers on one cache line).
    private final LongAdder rejected = new LongAdder();
    private final LongAdder syncWaits = new LongAdder();
    private final LongAdder lateSyncs = new LongAdder();
    private final LongAdder abandonedSyncs = new LongAdder();
    private final LongAdder completed = new LongAdder();

    /** Made by {@link #start} (or, with no worker started, by {@link StressTestPools}). */
    PoolCore(String name, CreateArgs args) {
        this.name = name;
        this.args = args;
        this.syncBudgetNanos = WaitNanos.of(args.syncBudget());
        this.syncTryNanos = Math.min(WaitNanos.of(args.syncRetryInterval()), syncBudgetNanos);
        this.watchdog = new SyncWatchdog(args.threads());
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
                pool.stopStartedWorkers();
                throw new IllegalStateException("pool " + name + ": could not start worker "
                        + i + " of " + args.threads(), e);
            }
        }
        try {
            startWatchdog.accept(pool.watchdog, name + "-sync-watchdog");
        } catch (RuntimeException | Error e) {
            pool.stopStartedWorkers();
            throw new IllegalStateException("pool " + name
                    + ": could not start its sync watchdog thread", e);
        }
        return pool;
    }

    /** A failed start: stops the workers started so far and waits for them to exit. */
    private void stopStartedWorkers() {
        finish();
        if (!joinWorkers(TimeUnit.SECONDS.toNanos(5))) {
            LOG.log(Level.WARNING, "pool {0}: started workers did not exit within 5 s", name);
        }
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

    // ---------------------------------------------------------------- the worker side

    /**
     * One worker thread: takes tasks and runs them until the pool finishes.
     *
     * <p>Thread-safe: any method may be called from any thread ({@code current} is guarded
     * by the pool lock).
     */
    static final class Worker implements Runnable {
        final PoolCore pool;
        final int index;
        volatile Thread thread;
        /** Guarded by the pool lock. */
        TaskRecord<?> current;

        Worker(PoolCore pool, int index) {
            this.pool = pool;
            this.index = index;
        }

        @Override
        public void run() {
            try {
                for (;;) {
                    TaskRecord<?> t = pool.take(this);
                    if (t == null) {
                        return;
                    }
                    pool.runTask(this, t);
                }
            } finally {
                pool.workerExited(this);
            }
        }
    }

    /** Worker {@code w} takes the oldest queued task, waiting for one; null when finishing. */
    TaskRecord<?> take(Worker w) {
        lock.lock();
        try {
            for (;;) {
                if (runState != RUN) {
                    return null;
                }
                TaskRecord<?> t = queue.pollFirst();
                if (t != null) {
                    Thread.interrupted(); // an interrupt meant for the previous task ends with it
                    boolean acquired = t.state.acquire();
                    assert acquired : "queued task not QUEUED: " + t;
                    long now = System.nanoTime();
                    t.acquiredNanos = now;
                    t.stateSinceNanos = now;
                    w.current = t;
                    ongoing++;
                    return t;
                }
                idle++;
                try {
                    workAvailable.await();
                } catch (InterruptedException e) {
                    // not destroy's (it interrupts tasks only): the run state decides
                } finally {
                    idle--;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Workers not running a task: they take from the queue before they next park. */
    private int freeWorkers() {
        assert lock.isHeldByCurrentThread();
        return Math.max(0, liveWorkers - ongoing);
    }

    private void workerExited(Worker w) {
        lock.lock();
        try {
            liveWorkers--;
            if (liveWorkers == 0) {
                watchdog.shutdown();
            }
            allExited.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private boolean shouldStopCall(TaskRecord<?> t) {
        if (runState != RUN || t.stopCallRequested) {
            return true;
        }
        return t.boundConnection() == null
                && !(t.outlive && args.outlivePolicy() == OutlivePolicy.CONTINUE);
    }

    /**
     * Runs a task on its worker until it ends, then completes it. Whatever escapes (a
     * {@link VirtualMachineError} thrown by a callback this worker ran while it held a lent
     * service role for its SYNC's notification, such as another task's cleanup or
     * {@code onWritable}, or by the JVM itself) still ends the task {@code STOPPED} and
     * completes it exactly once (decided semantics 2 and 9) before it is rethrown; the lent
     * role itself was given back by the loop on the way out.
     */
    private <U> void runTask(Worker w, TaskRecord<U> t) {
        try {
            callUntilEnd(w, t);
        } catch (Throwable e) {
            endAfterEscape(w, t, e);
            throw e;
        }
    }

    /**
     * After {@code e} escaped {@link #callUntilEnd}: completes the task {@code STOPPED}
     * unless {@link #complete} already took it off the worker (then {@code e} came from its
     * end notification or its cleanup, and the task needs nothing more).
     */
    private void endAfterEscape(Worker w, TaskRecord<?> t, Throwable e) {
        lock.lock();
        try {
            if (w.current != t) {
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
            complete(w, t, TaskState.STOPPED);
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
    private <U> void callUntilEnd(Worker w, TaskRecord<U> t) {
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
                    syncWait(w, t);
                    break;
                case FINISHED:
                    terminal = TaskState.FINISHED;
                    break loop;
                case STOPPED:
                    terminal = TaskState.STOPPED;
                    break loop;
            }
        }
        complete(w, t, terminal);
        if (fatal != null) {
            throw fatal;
        }
    }

    /** The worker half of the SYNC handshake. Returns with the state RUNNING or STOPPING. */
    private void syncWait(Worker w, TaskRecord<?> t) {
        ConnectionInternals c = t.boundConnection();
        long start = System.nanoTime();
        long gen = t.beginSync(isRunning);
        if (gen < 0 || c == null) {
            return; // nobody to consume: answered at once, the loop decides what is next
        }
        t.stateSinceNanos = start;
        syncWaits.increment();
        notifyServiceFromWorker(t, c, gen);
        long deadline = start + syncBudgetNanos;
        long nextTry = start + syncTryNanos;
        // Late tries are counted by the intervals that have elapsed, not by wake-ups, so a
        // worker that oversleeps (a loaded machine) still reports every try it waited out;
        // the writable is re-requested once per wake-up at a try boundary.
        long triesInBudget = (syncBudgetNanos + syncTryNanos - 1) / syncTryNanos;
        long triesCounted = 0;
        for (;;) {
            long tryEnd = nextTry - deadline < 0 ? nextTry : deadline;
            if (t.state.awaitSyncEnd(tryEnd, watchdog, w.index)) {
                break;
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                countLateTries(t, triesInBudget - triesCounted);
                if (t.state.abandonSync()) {
                    abandonedSyncs.increment();
                    LOG.log(Level.ERROR, "task {0}: SYNC not acknowledged within {1}; stopping",
                            t.name, args.syncBudget());
                    t.detach();
                }
                break;
            }
            if (now - nextTry >= 0) {
                long expired = Math.min(triesInBudget, (now - start) / syncTryNanos);
                countLateTries(t, expired - triesCounted);
                triesCounted = expired;
                nextTry = start + (expired + 1) * syncTryNanos;
                // Until the acknowledgement, whoever looked: a status() elsewhere, or an
                // onWritable that could not write yet, must not leave the SYNC unasked.
                ConnectionInternals bound = t.boundConnection();
                if (bound != null) {
                    notifyServiceFromWorker(t, bound, gen);
                }
            }
        }
        t.runHandedWrite(); // our own message, compressed and written by us: see sync()
        long end = System.nanoTime();
        t.syncNanos += end - start;
        t.stateSinceNanos = end;
    }

    /** Worker only: {@code TaskRecord.lateSyncs} has a single writer, the task's worker. */
    private void countLateTries(TaskRecord<?> t, long tries) {
        if (tries > 0) {
            t.lateSyncs = (int) Math.min(Integer.MAX_VALUE, t.lateSyncs + tries);
            lateSyncs.add(tries);
        }
    }

    private void complete(Worker w, TaskRecord<?> t, int terminal) {
        int fin = t.state.complete(terminal);
        long now = System.nanoTime();
        t.doneNanos = now;
        t.stateSinceNanos = now;
        boolean destroyed;
        lock.lock();
        try {
            w.current = null;
            ongoing--;
            destroyed = runState == DESTROYED;
            if (!t.isReleased() && t.boundConnection() != null && !destroyed) {
                done.addLast(t);
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
        completed.increment();
        if (LOG.isLoggable(Level.TRACE)) {
            LOG.log(Level.TRACE, "done {0}", t);
        }
        ConnectionInternals c = t.boundConnection();
        if (c == null || destroyed) {
            release(t, null);
        } else {
            notifyServiceFromWorker(t, c, -1);
        }
        assert TaskState.isTerminal(fin);
    }

    // ---------------------------------------------------------- the service-thread side

    /**
     * Asks the connection's service role to look at the task, from any thread: a loop
     * command.
     */
    private void notifyService(TaskRecord<?> t, ConnectionInternals c, long gen) {
        if (!c.isOpen()) {
            return;
        }
        c.execute(() -> onServiceNotify(t, c, gen));
    }

    /**
     * {@link #notifyService} from the task's own worker (its SYNC or its end): the one case
     * where an idle loop lends the worker its role, so the worker answers itself.
     */
    private void notifyServiceFromWorker(TaskRecord<?> t, ConnectionInternals c, long gen) {
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
    public TaskStatus status(TaskRecord<?> t) {
        int s = t.state.observe();
        if (TaskState.isTerminal(s) && !t.isReleased()) {
            release(t, liveConnectionForCaller(t));
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
    public void sync(TaskRecord<?> t, boolean stop) {
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
                if (purgeQueued(t)) {
                    keepForReap(t);
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

    /** A queued task stopped without being called stays bound until reaped. */
    private void keepForReap(TaskRecord<?> t) {
        ConnectionInternals c = t.boundConnection();
        lock.lock();
        try {
            if (!t.isReleased() && c != null) {
                done.addLast(t);
            }
        } finally {
            lock.unlock();
        }
        if (c == null) {
            release(t, null);
        } else {
            notifyService(t, c, -1);
        }
    }

    private boolean purgeQueued(TaskRecord<?> t) {
        lock.lock();
        try {
            if (queue.contains(t) && t.state.cancelQueued()) {
                queue.remove(t);
            } else {
                return false;
            }
        } finally {
            lock.unlock();
        }
        long now = System.nanoTime();
        t.doneNanos = now;
        t.stateSinceNanos = now;
        completed.increment();
        return true;
    }

    /**
     * {@code Task.dequeue()}.
     *
     * @param t the task
     * @return true when the task was on a worker and has been asked to stop asynchronously
     */
    public boolean dequeue(TaskRecord<?> t) {
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
    private void detachAndReleaseIfEnded(TaskRecord<?> t) {
        t.detach();
        if (TaskState.isTerminal(t.state.get())) {
            release(t, null);
        }
    }

    /** The connection close hook, per bound task, on the closing service thread. */
    void onConnectionClosed(TaskRecord<?> t) {
        boolean continueOutlive = args.outlivePolicy() == OutlivePolicy.CONTINUE;
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

    private ConnectionInternals liveConnectionForCaller(TaskRecord<?> t) {
        ConnectionInternals c = t.boundConnection();
        return c != null && c.inServiceThread() && c.isOpen() ? c : null;
    }

    /**
     * Runs the task's cleanup if nobody has: detaches it, drops it from the done list, then
     * calls cleanup with no lock held.
     */
    private <U> void release(TaskRecord<U> t, Connection connectionOrNull) {
        if (!t.claimRelease()) {
            return;
        }
        lock.lock();
        try {
            done.remove(t);
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

    // ------------------------------------------------------------------------ shutdown

    /**
     * Refuses new tasks, stops every waiting task without a call (released here, with
     * null), wakes syncing tasks with a stop, and lets running ones see STOPPING at their
     * next call. Returns at once.
     */
    public void finish() {
        List<TaskRecord<?>> purged;
        List<TaskRecord<?>> running = new ArrayList<>();
        lock.lock();
        try {
            if (runState != RUN) {
                return;
            }
            runState = FINISHING;
            purged = queue.drain();
            for (TaskRecord<?> t : purged) {
                boolean cancelled = t.state.cancelQueued();
                assert cancelled : t;
            }
            for (Worker w : workers) {
                if (w.current != null) {
                    running.add(w.current);
                }
            }
            workAvailable.signalAll();
        } finally {
            lock.unlock();
        }
        long now = System.nanoTime();
        for (TaskRecord<?> t : purged) {
            t.doneNanos = now;
            completed.increment();
            release(t, null);
        }
        for (TaskRecord<?> t : running) {
            if (t.state.get() == TaskState.SYNCING) {
                t.state.requestStop();
            }
        }
        LOG.log(Level.DEBUG, "pool {0} finishing: {1} waiting tasks stopped, {2} on workers",
                name, purged.size(), running.size());
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
    public List<String> destroy() {
        finish();
        Thread caller = Thread.currentThread();
        boolean first = false;
        lock.lock();
        try {
            if (runState == DESTROYED) {
                if (caller == destroyer || isWorker(caller)) {
                    return List.of();
                }
                while (destroyer != null) {
                    destroyFinished.awaitUninterruptibly();
                }
            } else {
                runState = DESTROYED;
                destroyer = caller;
                first = true;
            }
        } finally {
            lock.unlock();
        }
        if (!first) {
            joinWorkers(WaitNanos.of(args.shutdownGrace()));
            return List.of();
        }
        try {
            return destroyWorkers();
        } finally {
            lock.lock();
            try {
                destroyer = null;
                destroyFinished.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private boolean isWorker(Thread t) {
        assert lock.isHeldByCurrentThread();
        for (Worker w : workers) {
            if (w.thread == t) {
                return true;
            }
        }
        return false;
    }

    /** The first destroy() call's work, after the run state became DESTROYED. */
    private List<String> destroyWorkers() {
        List<String> stuck = new ArrayList<>();
        if (!joinWorkers(WaitNanos.of(args.shutdownGrace()))) {
            List<TaskRecord<?>> busy = new ArrayList<>();
            lock.lock();
            try {
                for (Worker w : workers) {
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
                detachAndReleaseIfEnded(t);
            }
            LOG.log(Level.WARNING, "pool {0}: {1} task(s) did not stop within {2}; interrupted: {3}",
                    name, busy.size(), args.shutdownGrace(), stuck);
        }
        List<TaskRecord<?>> unreaped;
        lock.lock();
        try {
            unreaped = done.drain();
        } finally {
            lock.unlock();
        }
        for (TaskRecord<?> t : unreaped) {
            release(t, null);
        }
        LOG.log(Level.DEBUG, "pool {0} destroyed", name);
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
            for (Worker w : workers) {
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
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long left = WaitNanos.of(timeout);
        lock.lock();
        try {
            while (liveWorkers > 0 && !onlyCallerLeft()) {
                if (left <= 0) {
                    return false;
                }
                left = allExited.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private boolean onlyCallerLeft() {
        if (liveWorkers != 1) {
            return false;
        }
        for (Worker w : workers) {
            if (w.thread == Thread.currentThread()) {
                return true;
            }
        }
        return false;
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

    // ------------------------------------------------------------------ observability

    /**
     * A consistent snapshot of the pool's load.
     *
     * @return the diagnosis
     */
    public Diagnosis diagnose() {
        lock.lock();
        try {
            TaskRecord<?> oldest = queue.first();
            Duration age = oldest == null ? Duration.ZERO
                    : Duration.ofNanos(System.nanoTime() - oldest.createdNanos);
            return new Diagnosis(ongoing, liveWorkers, Math.max(0, queue.size() - freeWorkers()),
                    done.size(), rejected.sum(), age, syncWaits.sum(), lateSyncs.sum(),
                    abandonedSyncs.sum(), completed.sum());
        } finally {
            lock.unlock();
        }
    }

    /**
     * The state of every task the pool knows, one summary line each, plus the counters.
     *
     * @return the multi-line dump
     */
    public String dump() {
        List<TaskRecord<?>> waiting;
        List<String> busy = new ArrayList<>();
        List<TaskRecord<?>> ended;
        List<TaskRecord<?>> busyTasks = new ArrayList<>();
        List<Integer> busyIndex = new ArrayList<>();
        lock.lock();
        try {
            waiting = queue.snapshot();
            ended = done.snapshot();
            for (Worker w : workers) {
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
        sb.append("threadpool ").append(name).append(": ").append(d).append('\n');
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
