package io.lws4j.internal.pool;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * One thread per pool that wakes syncing workers at their try boundary, so a worker can
 * wait for a SYNC acknowledgement with an untimed park. A timed park per SYNC arms and
 * cancels a kernel timer each time; one watchdog sleeping until the earliest boundary of
 * * all workers does that once per retry interval at most.
 *
 * <p>Each worker owns one slot: {@link #arm} publishes the worker's try boundary before
 * it parks, {@link #disarm} clears it after the wait. The watchdog unparks a worker once per
 * boundary that has passed; the worker then does the retry and budget work itself, as it
 * checks the time on every wake-up. A stale unpark (the wait ended meanwhile) only makes a
 * later park return early, and every park here and in the pool is in a predicate loop.
 *
 * <p>Memory consistency effects: the sleep handshake is a Dekker pair of volatiles. A
 * worker writes its slot, then reads {@code idle} and {@code wakeAt}; the watchdog writes
 * {@code idle} (or {@code wakeAt}), then reads every slot. So either the worker sees the
 * watchdog idle (or sleeping past the new boundary) and unparks it, or the watchdog sees
 * the slot and does not park past it.
 *
 * <p>Thread-safe: {@link #arm} and {@link #disarm} are called only by the worker owning
 * the slot; {@link #shutdown} from any thread; {@link #run} only on the watchdog thread.
 */
public final class SyncWatchdog implements Runnable {
    /** A slot value meaning "not waiting"; {@link System#nanoTime()} never returns it in practice. */
    public static final long NONE = Long.MIN_VALUE;

    private final AtomicLongArray boundaries;
    private final Thread[] workers;
    /** Watchdog thread only: the boundary each worker was last unparked for. */
    private final long[] fired;
    private volatile boolean idle;
    /** The boundary the watchdog sleeps until, or NONE while it is awake or idle. */
    private volatile long wakeAt = NONE;
    private volatile boolean stopped;
    private volatile Thread thread;

    /**
     * A watchdog with one slot per worker; its thread is not started yet.
     *
     * @param slots how many workers
     */
    public SyncWatchdog(int slots) {
        boundaries = new AtomicLongArray(slots);
        workers = new Thread[slots];
        fired = new long[slots];
        for (int i = 0; i < slots; i++) {
            boundaries.set(i, NONE);
            fired[i] = NONE;
        }
    }

    /**
     * Registers a worker thread; called before {@link #start} (its start publishes it).
     *
     * @param slot the worker index
     * @param worker the worker thread
     */
    public void register(int slot, Thread worker) {
        assert thread == null : "register after start";
        workers[slot] = worker;
    }

    /**
     * Starts the watchdog thread.
     *
     * @param name the thread name
     */
    public void start(String name) {
        Thread t = new Thread(this, name);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /**
     * Worker only: the worker in {@code slot} is about to park until {@code boundaryNanos}.
     *
     * @param slot the worker index
     * @param boundaryNanos when to wake it ({@link System#nanoTime()} scale)
     * @return true when the watchdog was idle and this call unparked it
     */
    public boolean arm(int slot, long boundaryNanos) {
        assert workers[slot] == null || workers[slot] == Thread.currentThread()
                : "arm from a thread not owning the slot";
        boundaries.set(slot, boundaryNanos);
        long sleepingUntil = wakeAt;
        if (idle || (sleepingUntil != NONE && boundaryNanos - sleepingUntil < 0)) {
            Thread t = thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
            return true;
        }
        return false;
    }

    /**
     * Worker only: the wait of the worker in {@code slot} has ended.
     *
     * @param slot the worker index
     */
    public void disarm(int slot) {
        boundaries.set(slot, NONE);
    }

    /** Ends the watchdog thread (when the last worker has exited). Any thread. */
    public void shutdown() {
        stopped = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void run() {
        assert Thread.currentThread() == thread : "watchdog run off its thread";
        while (!stopped) {
            long earliest = scan(System.nanoTime());
            if (earliest != NONE) {
                wakeAt = earliest;
                if (!hasUnfiredBefore(earliest)) {
                    LockSupport.parkNanos(this, earliest - System.nanoTime());
                }
                wakeAt = NONE;
                continue;
            }
            if (!enterIdle()) {
                continue;
            }
            if (!stopped) {
                LockSupport.park(this);
            }
            idle = false;
        }
    }

    /** Unparks every worker whose boundary has passed; returns the earliest future boundary. */
    private long scan(long now) {
        long earliest = NONE;
        for (int i = 0; i < workers.length; i++) {
            long b = boundaries.get(i);
            if (b == NONE || b == fired[i]) {
                continue;
            }
            if (now - b >= 0) {
                fired[i] = b;
                Thread w = workers[i];
                if (w != null) {
                    LockSupport.unpark(w);
                }
            } else if (earliest == NONE || b - earliest < 0) {
                earliest = b;
            }
        }
        return earliest;
    }

    /**
     * Watchdog thread only (public for the jcstress test of the idle handshake): marks the
     * watchdog idle unless a slot holds a boundary it has not fired yet.
     *
     * @return true when idle (the caller may park untimed); false when a boundary is
     *     pending and the idle mark was taken back
     */
    public boolean enterIdle() {
        idle = true;
        if (hasUnfired()) {
            idle = false;
            return false;
        }
        return true;
    }

    private boolean hasUnfired() {
        for (int i = 0; i < workers.length; i++) {
            long b = boundaries.get(i);
            if (b != NONE && b != fired[i]) {
                return true;
            }
        }
        return false;
    }

    /** A boundary armed after the last scan that is earlier than the one slept for. */
    private boolean hasUnfiredBefore(long limit) {
        for (int i = 0; i < workers.length; i++) {
            long b = boundaries.get(i);
            if (b != NONE && b != fired[i] && b - limit < 0) {
                return true;
            }
        }
        return false;
    }
}
