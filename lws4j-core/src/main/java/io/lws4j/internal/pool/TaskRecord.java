package io.lws4j.internal.pool;

import io.lws4j.Connection;
import io.lws4j.internal.conn.ConnectionInternals;
import io.lws4j.threadpool.Cleanup;
import io.lws4j.threadpool.TaskFunction;
import io.lws4j.threadpool.TaskStatus;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One task of a pool: its arguments, its {@link TaskState}, its binding to a connection,
 * its SYNC generation and its time accounting (lws {@code struct lws_threadpool_task}).
 *
 * <p>Thread-safe: any method may be called from any thread. The queue links are guarded
 * by the owning pool's lock; the handed write is taken under the record's own lock;
 * everything else is final, volatile, or changed by CAS.
 *
 * @param <U> the type of the user object
 */
public final class TaskRecord<U> {
    /*
     * Binding. `connection` is the bound connection until the first detach (close hook,
     * dequeue, reap, budget exhaustion, pool shutdown) CASes it to null; the winner of that
     * CAS unlinks the task from the connection's ConnectionTasks. It never becomes non-null
     * again.
     *
     * Release. `released` goes 0 -> 1 exactly once (CAS); the winner runs `cleanup`. Every
     * path that ends a task's life calls TaskReaper.release, so cleanup runs exactly once.
     *
     * The Dekker pairs that guarantee someone releases a terminal task: the worker writes the
     * terminal state, then reads `connection`; a detacher writes `connection = null`, then
     * reads the state. Both are volatile, so at least one of them sees the other's write and
     * releases (the CAS keeps it to one).
     *
     * SYNC generation: entering SYNCING increments the generation held in the state word
     * (TaskState). A status query that sees SYNCING records the generation as observed; only
     * an acknowledgement of that observed generation ends the wait (SyncHandshake.sync). Looking
     * stops nothing: until the acknowledgement, the worker keeps asking for writable at each
     * try, so a query outside the answering onWritable cannot stall the SYNC.
     */

    private static final VarHandle CONNECTION;
    private static final VarHandle RELEASED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            CONNECTION = l.findVarHandle(TaskRecord.class, "connection",
                    ConnectionInternals.class);
            RELEASED = l.findVarHandle(TaskRecord.class, "released", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final PoolCore pool;
    final String name;
    final U user;
    final TaskFunction<U> function;
    final Cleanup<U> cleanup;
    final TaskState state = new TaskState();
    final long createdNanos = System.nanoTime();

    private volatile ConnectionInternals connection;
    private volatile int released;
    private volatile Object handle;
    /**
     * A write handed to the worker by the holder that answers its SYNC (see
     * {@link ConnectionInternals#claimWriteForSyncingWorker()}): set before the answer's CAS
     * out of SYNCING, so the worker that sees the state change sees it too; taken once,
     * with {@link #takeHandedWrite()}.
     */
    volatile Runnable handedWrite;

    /** Latched by an {@code _OUTLIVE} return; worker writes, anyone reads. */
    volatile boolean outlive;
    /** Dequeue of an OUTLIVE task: the next call is with STOPPING. */
    volatile boolean stopCallRequested;
    volatile Throwable failure;

    volatile long acquiredNanos;
    volatile long doneNanos;
    volatile long stateSinceNanos = createdNanos;
    volatile long runNanos;
    volatile long syncNanos;
    volatile int lateSyncs;

    /** Guarded by the pool lock. */
    TaskList list;
    /** Guarded by the pool lock. */
    TaskRecord<?> prev;
    /** Guarded by the pool lock. */
    TaskRecord<?> next;

    /**
     * Creates a record in {@link TaskState#QUEUED}, bound to {@code connection}. Only the
     * pool (and concurrency tests of the state protocol, with a null pool) make records.
     *
     * @param pool the owning pool, or null in tests of the record alone
     * @param connection the connection to bind to
     * @param name the task name
     * @param user the user object
     * @param function the task function
     * @param cleanup the cleanup
     */
    public TaskRecord(PoolCore pool, ConnectionInternals connection, String name, U user,
               TaskFunction<U> function, Cleanup<U> cleanup) {
        this.pool = pool;
        this.connection = connection;
        this.name = name;
        this.user = user;
        this.function = function;
        this.cleanup = cleanup;
    }

    /**
     * Attaches the public handle (before the task is published).
     *
     * @param h the handle
     */
    public void handle(Object h) {
        this.handle = h;
    }

    /**
     * The public handle.
     *
     * @return the handle set by {@link #handle(Object)}
     */
    public Object handle() {
        return handle;
    }

    /**
     * The task's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The user object.
     *
     * @return the user object
     */
    public U user() {
        return user;
    }

    /**
     * The bound connection.
     *
     * @return the connection, or null once detached
     */
    public Connection connection() {
        return connection;
    }

    ConnectionInternals boundConnection() {
        return connection;
    }

    /**
     * What the task function threw.
     *
     * @return the failure, or null
     */
    public Throwable failure() {
        return failure;
    }

    /**
     * The current state, without reaping; a SYNCING state is recorded as observed, so that
     * the caller may acknowledge it ({@link TaskState#observe()}).
     *
     * @return the public status
     */
    public TaskStatus statusNoReap() {
        return toStatus(state.observe());
    }

    /**
     * Tells whether cleanup has run or is running.
     *
     * @return true once released
     */
    public boolean isReleased() {
        return released != 0;
    }

    /**
     * The number of expired SYNC tries of this task.
     *
     * @return lws {@code late_sync_retries}
     */
    public int lateSyncs() {
        return lateSyncs;
    }

    /**
     * Nanoseconds spent in task-function calls.
     *
     * @return the accumulated running time
     */
    public long runNanos() {
        return runNanos;
    }

    /**
     * Nanoseconds spent waiting for SYNC acknowledgements, abandoned waits included.
     *
     * @return the accumulated syncing time
     */
    public long syncNanos() {
        return syncNanos;
    }

    /**
     * Nanoseconds between enqueue and acquisition by a worker.
     *
     * @return the queued time, or -1 when never acquired
     */
    public long queuedNanos() {
        long a = acquiredNanos;
        return a == 0 ? -1 : a - createdNanos;
    }

    /**
     * Nanoseconds between acquisition and the end, or until now when not ended.
     *
     * @return the time on a worker, or -1 when never acquired
     */
    public long onWorkerNanos() {
        long a = acquiredNanos;
        if (a == 0) {
            return -1;
        }
        long d = doneNanos;
        return (d == 0 ? System.nanoTime() : d) - a;
    }

    /**
     * The state word (for the pool and for concurrency tests).
     *
     * @return the state
     */
    public TaskState state() {
        return state;
    }

    /**
     * Worker half of entering a SYNC wait: RUNNING → SYNCING for a new generation, unless
     * nobody is left to acknowledge. After the CAS it re-reads the binding, the OUTLIVE stop
     * flag and the pool's run state (the Dekker pair of {@link #detachOnClose}, dequeue and
     * finish, which write those first and read the state after), and if any changed it leaves
     * SYNCING itself. Worker only.
     *
     * @param poolRunning reads the pool's run state (volatile)
     * @return the generation to wait for, or -1 when the task must not wait; the state is
     *     then RUNNING or STOPPING
     */
    public long beginSync(java.util.function.BooleanSupplier poolRunning) {
        if (connection == null || stopCallRequested || !poolRunning.getAsBoolean()) {
            return -1;
        }
        long gen = state.enterSync();
        if (gen < 0) {
            return -1; // a stop arrived during the call
        }
        if (connection == null || stopCallRequested || !poolRunning.getAsBoolean()) {
            state.acknowledge(); // fails when the closer's stop won: then STOPPING
            return -1;
        }
        return gen;
    }

    /**
     * Close-hook half: detaches first, then reads the state, so that a worker entering SYNC
     * concurrently either sees the detach and does not wait, or is seen SYNCING here and is
     * stopped (or, for an OUTLIVE task under the CONTINUE policy, resumed) and woken.
     *
     * @param continueOutlive true when OUTLIVE tasks continue after their connection closes
     * @return the state after: QUEUED (the caller purges it), RUNNING or STOPPING (the
     *     worker handles it at its next step), or terminal (the caller releases it)
     */
    public int detachOnClose(boolean continueOutlive) {
        detach();
        boolean continues = continueOutlive && outlive;
        for (;;) {
            int s = state.get();
            if (s != TaskState.SYNCING) {
                return s;
            }
            boolean ended = continues ? state.acknowledge()
                    : state.requestStop() == TaskState.SYNCING;
            if (ended) {
                return state.get();
            }
        }
    }

    boolean detach() {
        ConnectionInternals c = connection;
        if (c != null && CONNECTION.compareAndSet(this, c, null)) {
            ConnectionTasks ct = ConnectionTasks.existing(c);
            if (ct != null) {
                ct.remove(this);
            }
            return true;
        }
        return false;
    }

    boolean claimRelease() {
        return RELEASED.compareAndSet(this, 0, 1);
    }

    static TaskStatus toStatus(int s) {
        switch (s) {
            case TaskState.QUEUED: return TaskStatus.QUEUED;
            case TaskState.RUNNING: return TaskStatus.RUNNING;
            case TaskState.SYNCING: return TaskStatus.SYNCING;
            case TaskState.STOPPING: return TaskStatus.STOPPING;
            case TaskState.FINISHED: return TaskStatus.FINISHED;
            case TaskState.STOPPED: return TaskStatus.STOPPED;
            default: throw new IllegalStateException("state " + s);
        }
    }

    /**
     * The one-line summary of spec section 4.2.
     *
     * @return the summary
     */
    public String summary() {
        long now = System.nanoTime();
        int s = state.get();
        long acquired = acquiredNanos;
        long done = doneNanos;
        if (acquired == 0) {
            return String.format("%s: QUEUED %s, %d ms since creation", name, TaskState.name(s),
                    ms((done == 0 ? now : done) - createdNanos));
        }
        long end = done == 0 ? now : done;
        long window = end - acquired;
        String fmt = done == 0
                ? "%s: ONGOING %s, %d ms in state, lived %d ms, queued %d ms, on worker %d ms,"
                        + " run %d%%, sync %d%%, late syncs %d"
                : "%s: DONE %s, %d ms in state, lived %d ms, queued %d ms, on worker %d ms,"
                        + " run %d%%, sync %d%%, late syncs %d";
        return String.format(fmt, name, TaskState.name(s), ms(now - stateSinceNanos),
                ms(end - createdNanos), ms(acquired - createdNanos), ms(window),
                percent(runNanos, window), percent(syncNanos, window), lateSyncs);
    }

    /**
     * Accumulated time as a percentage of a window, lws style: acc × 100 ÷ (window + 1 µs).
     *
     * @param accNanos the accumulated time
     * @param windowNanos the window
     * @return the percentage
     */
    public static long percent(long accNanos, long windowNanos) {
        return accNanos * 100 / (windowNanos + 1000);
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    @Override
    public String toString() {
        return summary();
    }

    /**
     * The worker's step after its SYNC wait ended, whatever ended it: runs the write handed
     * to it by the answer ({@link #handedWrite}), unless there is none or the answerer took it
     * back. Worker only (public for the jcstress test of the hand-off).
     */
    public void runHandedWrite() {
        Runnable handed = handedWrite == null ? null : takeHandedWrite();
        if (handed != null) {
            handed.run();
        }
    }

    /**
     * Takes the handed write, exactly once between the worker and an answerer whose
     * acknowledgement lost to a stop: whoever gets it runs it. The worker looks at
     * {@link #handedWrite} first, so the lock is taken only when a write was handed.
     *
     * @return the write, or null when none was handed or it was taken already
     */
    synchronized Runnable takeHandedWrite() {
        Runnable write = handedWrite;
        handedWrite = null;
        return write;
    }
}
