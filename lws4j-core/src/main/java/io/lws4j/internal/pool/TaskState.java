package io.lws4j.internal.pool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The state word of one threadpool task and the SYNC handshake built on it: a
 * {@code volatile long} holding the state and the generation of the task's latest SYNC,
 * changed only by compare-and-set, plus the worker thread to unpark and the latest SYNC
 * generation a status query observed. The state constants follow
 * {@link io.lws4j.threadpool.TaskStatus} order so that "terminal" is a single
 * {@code >= FINISHED} check.
 *
 * <p>Memory consistency effects: every transition is a volatile compare-and-set, so actions
 * of the thread that makes a transition happen-before the actions of any thread that reads
 * the resulting state (the worker leaving a park, the service thread seeing SYNCING).
 *
 * <p>Thread-safe: any method may be called from any thread; the {@code await...} and
 * worker-only transitions are documented as such.
 */
public final class TaskState {
    /*
     * Transitions (every one is a CAS on `word`; terminal states are absorbing):
     *
     *   QUEUED   -> RUNNING   acquire(): a worker takes the task (under the pool lock)
     *   QUEUED   -> STOPPED   cancelQueued(): dequeue, stop, close or finish of a waiting
     *                         task (under the pool lock, which also unlinks it)
     *   RUNNING  -> SYNCING   enterSync(): worker, after the task returned SYNC; the same
     *                         CAS increments the generation
     *   SYNCING  -> RUNNING   acknowledgeDeferred(gen): sync(false), only for the generation
     *                         a status query observed (observe()); acknowledge(): internal
     *                         paths that end whatever SYNC waits (close under the CONTINUE
     *                         policy, dequeue of an OUTLIVE task, the worker itself when it
     *                         finds the connection gone right after enterSync())
     *   RUNNING  -> STOPPING  requestStop(): sync(true), dequeue, or the worker at the top of
     *                         an iteration (connection gone, pool finishing)
     *   SYNCING  -> STOPPING  requestStop(), or abandonSync() when the budget ran out
     *   RUNNING  -> FINISHED | STOPPED   complete(): worker only
     *   STOPPING -> FINISHED | STOPPED   complete(): worker only
     *
     * The SYNC handshake: the worker spins briefly (SPIN_NANOS, on more than one CPU), then
     * parks while the state is SYNCING (a predicate, so spurious wake-ups do not count).
     * Whoever moves the state out of SYNCING unparks the registered worker afterwards (or
     * has it unparked once it gives back a lent service role: acknowledgeDeferred); an
     * unpark of a worker that caught the answer spinning only leaves a permit, which its
     * next park consumes as a spurious wake-up. Because leaving SYNCING is a CAS, an
     * acknowledgement and a stop cannot both win, and after either no reader can see SYNCING
     * again for the same wait: at most one SYNCING report per SYNC.
     *
     * Generations. The state and the generation share one word, so "SYNCING for generation
     * g" is a single value: sync(false) CASes exactly (g, SYNCING) -> (g, RUNNING) for the g
     * that observe() recorded. A late or stray acknowledgement, whose caller saw an earlier
     * SYNC (or none), finds no observation of the waiting one (observedSync()), or loses the
     * CAS when the next SYNC began meanwhile, instead of releasing a SYNC whose output nobody
     * has consumed. Looking does not end anything: observe() only records the generation
     * (raising `observed`, never lowering it), so a status query outside the onWritable that
     * answers leaves the SYNC waiting, and asking for writable again, until it is
     * acknowledged. The generation has 61 bits: it never wraps.
     *
     * `worker` is written by the acquiring worker before the task can first reach SYNCING
     * and read by wakers after their CAS; a waker that reads it unset races a task that has
     * not reached SYNCING, which it could not wake anyway.
     */

    /** Waiting in the pool's queue. */
    public static final int QUEUED = 0;
    /** On a worker. */
    public static final int RUNNING = 1;
    /** On a worker, parked until acknowledged. */
    public static final int SYNCING = 2;
    /**
     * How long a worker spins for its SYNC's answer before it parks. Another worker holding
     * the loop's lent role answers within microseconds; catching that answer spinning saves
     * the park, the unpark system call and two context switches. The spin is long enough to
     * catch such an answer and short enough to cost little when none comes. Never on one CPU,
     * where the answering thread cannot run while this one spins.
     */
    static final long SPIN_NANOS = 20_000;
    static final boolean MULTI_CORE = Runtime.getRuntime().availableProcessors() > 1;
    /** On a worker, asked to stop. */
    public static final int STOPPING = 3;
    /** Terminal: finished. */
    public static final int FINISHED = 4;
    /** Terminal: stopped. */
    public static final int STOPPED = 5;

    private static final int STATE_BITS = 3;
    private static final long STATE_MASK = (1L << STATE_BITS) - 1;

    private static final VarHandle WORD;
    private static final VarHandle OBSERVED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            WORD = l.findVarHandle(TaskState.class, "word", long.class);
            OBSERVED = l.findVarHandle(TaskState.class, "observed", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** {@code generation << STATE_BITS | state}; generation 0 until the first SYNC. */
    private volatile long word = QUEUED;
    /** The highest SYNC generation a status query saw SYNCING; -1 before any. */
    private volatile long observed = -1;
    private volatile Thread worker;

    /** Creates a state word in {@link #QUEUED}. */
    public TaskState() {
    }

    /**
     * The current state.
     *
     * @return one of the constants of this class
     */
    public int get() {
        return stateOf(word);
    }

    /**
     * The generation of the waiting SYNC while {@link #SYNCING}, else of the latest one (0
     * before the first).
     *
     * @return the generation
     */
    public long generation() {
        return word >>> STATE_BITS;
    }

    /**
     * Tells whether SYNC {@code gen} is the one waiting.
     *
     * @param gen a generation returned by {@link #enterSync()}
     * @return true while that SYNC waits for its acknowledgement
     */
    public boolean isSyncing(long gen) {
        return word == syncingWord(gen);
    }

    private static int stateOf(long w) {
        return (int) (w & STATE_MASK);
    }

    private static long syncingWord(long gen) {
        return gen << STATE_BITS | SYNCING;
    }

    /**
     * Tells whether a state is terminal.
     *
     * @param s a state
     * @return true for {@link #FINISHED} and {@link #STOPPED}
     */
    public static boolean isTerminal(int s) {
        return s >= FINISHED;
    }

    /** {@code expected -> update}, keeping the generation. */
    private boolean cas(int expected, int update) {
        for (;;) {
            long w = word;
            if (stateOf(w) != expected) {
                return false;
            }
            if (WORD.compareAndSet(this, w, (w & ~STATE_MASK) | update)) {
                return true;
            }
        }
    }

    /**
     * QUEUED → RUNNING, and registers the calling worker for unparking.
     *
     * @return false when the task is no longer queued
     */
    public boolean acquire() {
        worker = Thread.currentThread();
        return cas(QUEUED, RUNNING);
    }

    /**
     * QUEUED → STOPPED.
     *
     * @return false when the task is no longer queued
     */
    public boolean cancelQueued() {
        return cas(QUEUED, STOPPED);
    }

    /**
     * RUNNING → SYNCING for a new generation. Worker only.
     *
     * @return the generation of this SYNC (1 for the first), or -1 when a stop was requested
     *     meanwhile
     */
    public long enterSync() {
        for (;;) {
            long w = word;
            if (stateOf(w) != RUNNING) {
                return -1;
            }
            long gen = (w >>> STATE_BITS) + 1;
            if (WORD.compareAndSet(this, w, syncingWord(gen))) {
                return gen;
            }
        }
    }

    /**
     * The state, recording a SYNCING one as observed: the query a service thread makes
     * before it consumes a SYNC's output and acknowledges it (status() and statusNoReap()).
     * Changes nothing else; safe from any thread.
     *
     * @return the current state
     */
    public int observe() {
        long w = word;
        int s = stateOf(w);
        if (s == SYNCING) {
            long gen = w >>> STATE_BITS;
            for (;;) {
                long o = observed;
                if (o >= gen || OBSERVED.compareAndSet(this, o, gen)) {
                    break;
                }
            }
        }
        return s;
    }

    /**
     * The generation of the SYNC that waits now, if a status query has observed it.
     *
     * @return that generation, or -1 when the task is not syncing or nobody has observed the
     *     waiting SYNC yet
     */
    public long observedSync() {
        long gen = observed;
        return gen > 0 && word == syncingWord(gen) ? gen : -1;
    }

    /**
     * @param t a thread
     * @return true when {@code t} is the worker that runs the task (set once it was taken
     *     off the queue)
     */
    public boolean isWorker(Thread t) {
        return worker == t;
    }

    /**
     * SYNCING → RUNNING, then unparks the worker (the acknowledgement, sync(false)).
     *
     * @return true when this call ended the wait; false when the task was not syncing
     */
    public boolean acknowledge() {
        if (cas(SYNCING, RUNNING)) {
            wake();
            return true;
        }
        return false;
    }

    /**
     * SYNCING → RUNNING for SYNC {@code gen} only, without unparking: the caller wakes the
     * returned worker itself.
     *
     * @param gen the generation being acknowledged (see {@link #observedSync()})
     * @return the worker to unpark, or null when SYNC {@code gen} was not waiting (a stop
     *     or another acknowledgement ended it) or nobody needs waking (the caller is the
     *     worker)
     */
    public Thread acknowledgeDeferred(long gen) {
        long syncing = syncingWord(gen);
        if (!WORD.compareAndSet(this, syncing, (syncing & ~STATE_MASK) | RUNNING)) {
            return null;
        }
        Thread w = worker;
        return w == Thread.currentThread() ? null : w;
    }

    /**
     * RUNNING or SYNCING → STOPPING, unparking a syncing worker.
     *
     * @return the state before the call (RUNNING or SYNCING when this call requested the
     *     stop; anything else means it changed nothing)
     */
    public int requestStop() {
        for (;;) {
            int s = get();
            if (s != RUNNING && s != SYNCING) {
                return s;
            }
            if (cas(s, STOPPING)) {
                if (s == SYNCING) {
                    wake();
                }
                return s;
            }
        }
    }

    /**
     * SYNCING → STOPPING when the sync budget ran out. Worker only.
     *
     * @return false when the wait had already ended
     */
    public boolean abandonSync() {
        return cas(SYNCING, STOPPING);
    }

    /**
     * RUNNING or STOPPING → {@code terminal}. Worker only.
     *
     * @param terminal {@link #FINISHED} or {@link #STOPPED}
     * @return the terminal state now held
     */
    public int complete(int terminal) {
        assert terminal == FINISHED || terminal == STOPPED : terminal;
        for (;;) {
            int s = get();
            if (isTerminal(s)) {
                return s;
            }
            assert s == RUNNING || s == STOPPING : s;
            if (cas(s, terminal)) {
                return terminal;
            }
        }
    }

    /**
     * Parks the calling worker while the state is SYNCING, until {@code deadlineNanos}
     * ({@link System#nanoTime()} scale). Spurious wake-ups and interrupts do not end the
     * wait; the interrupt status is kept.
     *
     * @param deadlineNanos when to give up this try
     * @return true when the state is no longer SYNCING
     */
    public boolean awaitSyncEnd(long deadlineNanos) {
        boolean interrupted = false;
        try {
            for (;;) {
                if (get() != SYNCING) {
                    return true;
                }
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                LockSupport.parkNanos(this, left);
                if (Thread.interrupted()) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Parks the calling worker untimed while the state is SYNCING, until {@code
     * tryEndNanos} has passed; the watchdog unparks it at that boundary. Same contract as
     * {@link #awaitSyncEnd(long)}, without arming a kernel timer per wait. Worker only.
     *
     * @param tryEndNanos when to give up this try ({@link System#nanoTime()} scale)
     * @param watchdog the pool's watchdog
     * @param slot the worker's slot in it
     * @return true when the state is no longer SYNCING
     */
    public boolean awaitSyncEnd(long tryEndNanos, SyncWatchdog watchdog, int slot) {
        if (spinWhileSyncing()) {
            return true;
        }
        boolean interrupted = false;
        watchdog.arm(slot, tryEndNanos);
        try {
            for (;;) {
                if (get() != SYNCING) {
                    return true;
                }
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    interrupted = true;
                }
                if (get() != SYNCING) {
                    return true;
                }
                if (System.nanoTime() - tryEndNanos >= 0) {
                    return false;
                }
            }
        } finally {
            watchdog.disarm(slot);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Unparks the worker registered by {@link #acquire()}, if any. */
    public void wake() {
        Thread w = worker;
        if (w != null && w != Thread.currentThread()) { // a worker answering its own SYNC
            LockSupport.unpark(w);
        }
    }

    /**
     * Spins for a short while before a park: an answer that comes within that time costs
     * the worker no park and its answerer no unpark system call.
     *
     * @return true when the state left SYNCING while spinning
     */
    private boolean spinWhileSyncing() {
        if (!MULTI_CORE) {
            return get() != SYNCING;
        }
        long start = System.nanoTime();
        for (int i = 1; ; i++) {
            if (get() != SYNCING) {
                return true;
            }
            Thread.onSpinWait();
            if ((i & 31) == 0 && System.nanoTime() - start > SPIN_NANOS) {
                return get() != SYNCING;
            }
        }
    }

    /**
     * The name of a state, for logs.
     *
     * @param s a state
     * @return its name
     */
    public static String name(int s) {
        switch (s) {
            case QUEUED: return "QUEUED";
            case RUNNING: return "RUNNING";
            case SYNCING: return "SYNCING";
            case STOPPING: return "STOPPING";
            case FINISHED: return "FINISHED";
            case STOPPED: return "STOPPED";
            default: return "?" + s;
        }
    }
}
