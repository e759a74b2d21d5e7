package io.lws4j.internal.loop;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Who holds a service loop's <em>role</em>: the right to touch the loop's confined state (its
 * connections, timers, after-I/O queue) and to run its callbacks. The loop's own thread holds
 * it while it works; while it waits in select it may lend the role to one thread at a time
 * (a threadpool worker answering its own SYNC), so callbacks of one loop still never run at
 * once, but an idle loop need not be woken for short work.
 *
 * <p>States and transitions (an {@code int} changed by compare-and-set; no state is
 * terminal, since the loop lends its role once per select for as long as it runs):
 * <pre>
 *   OWNED           -> LENDABLE          lend(): the loop's thread, right before a blocking select
 *   LENDABLE        -> OWNED             reclaim(): the loop's thread, back from select
 *   LENDABLE        -> LENT              tryBorrow(): any other thread
 *   LENT            -> LENDABLE          giveBack(): the borrower, the loop still selecting
 *   LENT            -> LENT_RECLAIMING   reclaim(): the loop's thread, back from select, then parks
 *   LENT_RECLAIMING -> OWNED             giveBack(): the borrower, then unparks the loop's thread
 * </pre>
 * Every transition is a volatile write read by the next holder's compare-and-set or read, so
 * whatever one holder did with the role happens-before what the next holder does with it.
 *
 * <p>Wake-ups a holder owes to threads it answered (a worker whose SYNC it acknowledged) can
 * be deferred until it has given the role back ({@link #deferUnpark}), so the next holder is
 * not kept waiting behind the wake-up's system call.
 *
 * <p>Thread-safe: {@link #tryBorrow}, {@link #isHeldBy}, {@link #state},
 * {@link #isReclaiming} and {@link #reclaimWaits} may be called from any thread;
 * {@link #lend}, {@link #reclaim} and the loop deferral methods by the loop's thread only;
 * {@link #giveBack} by the borrower only; {@link #deferUnpark} by the holder.
 */
final class ServiceRole {
    static final int OWNED = 0;
    static final int LENDABLE = 1;
    static final int LENT = 2;
    static final int LENT_RECLAIMING = 3;
    /** At most this many wake-ups are deferred per holding; later ones happen at once. */
    static final int MAX_DEFERRED = 1024;

    private final AtomicInteger state = new AtomicInteger(OWNED);
    private volatile Thread loopThread;
    /** The thread holding the lent role, or null. Written by that thread only. */
    private volatile Thread borrower;
    /** Borrower only (one at a time, handed over by the role's volatile transitions). */
    private final Thread[] borrowerDeferred = new Thread[MAX_DEFERRED];
    private int borrowerDeferredCount;
    /** Loop thread only. */
    private final Thread[] loopDeferred = new Thread[MAX_DEFERRED];
    private int loopDeferredCount;
    private boolean loopDeferring;
    /** Written by the loop's thread only: how long reclaim() waited for a borrower. */
    private final WaitHistogram reclaimWaits = new WaitHistogram();

    /**
     * @param loopThread the loop's thread, set once before the loop starts
     */
    void bind(Thread loopThread) {
        this.loopThread = loopThread;
    }

    /**
     * @return the state, for the decision of a would-be borrower
     */
    int state() {
        return state.get();
    }

    /**
     * @return true when the loop's thread is back from select and waits for the borrower to
     *     give the role back (LENT_RECLAIMING); the borrower then stops at the next command
     */
    boolean isReclaiming() {
        return state.get() == LENT_RECLAIMING;
    }

    /**
     * @param t a thread
     * @return true when {@code t} is the loop's thread or holds the lent role
     */
    boolean isHeldBy(Thread t) {
        return t == loopThread || t == borrower;
    }

    /**
     * @param t a thread
     * @return true when {@code t} holds the lent role
     */
    boolean isBorrower(Thread t) {
        return t == borrower;
    }

    /** OWNED → LENDABLE. Loop thread only, right before a blocking select. */
    void lend() {
        assert Thread.currentThread() == loopThread;
        state.set(LENDABLE);
    }

    /**
     * Takes the role back after select, waiting for a borrower to give it back first. An
     * interrupt does not end the wait (park would return at once and spin); it is kept.
     */
    void reclaim() {
        assert Thread.currentThread() == loopThread;
        for (;;) {
            if (state.compareAndSet(LENDABLE, OWNED)) {
                return;
            }
            if (state.compareAndSet(LENT, LENT_RECLAIMING)) {
                long start = System.nanoTime();
                boolean interrupted = false;
                while (state.get() != OWNED) {
                    LockSupport.park(this);
                    interrupted |= Thread.interrupted();
                }
                reclaimWaits.record(System.nanoTime() - start);
                if (interrupted) {
                    loopThread.interrupt();
                }
                return;
            }
        }
    }

    /**
     * @return how long {@link #reclaim()} waited for a borrower to give the role back, each
     *     time it had to (a reclaim that found the role lendable is not recorded)
     */
    WaitHistogram reclaimWaits() {
        return reclaimWaits;
    }

    /**
     * LENDABLE → LENT for the calling thread.
     *
     * @return true when the caller now holds the role and must {@link #giveBack()} it
     */
    boolean tryBorrow() {
        if (state.compareAndSet(LENDABLE, LENT)) {
            borrower = Thread.currentThread();
            return true;
        }
        return false;
    }

    /**
     * Gives the lent role back, then performs the wake-ups deferred while holding it.
     * Borrower only.
     *
     * @return true when the role is LENDABLE again (the loop still selects), false when the
     *     loop's thread was waiting for it and now holds it
     */
    boolean giveBack() {
        assert borrower == Thread.currentThread();
        int count = borrowerDeferredCount;
        Thread[] wake = null;
        if (count != 0) {
            // Copied while the role is still ours: the next holder reuses the array.
            wake = Arrays.copyOf(borrowerDeferred, count);
            Arrays.fill(borrowerDeferred, 0, count, null);
            borrowerDeferredCount = 0;
        }
        borrower = null;
        boolean lendable = state.compareAndSet(LENT, LENDABLE);
        if (!lendable) {
            state.set(OWNED); // LENT_RECLAIMING: the loop's thread parks until it sees OWNED
            LockSupport.unpark(loopThread);
        }
        for (int i = 0; i < count; i++) {
            LockSupport.unpark(wake[i]);
        }
        return lendable;
    }

    /**
     * Defers unparking {@code t} until the caller gives the role back (a borrower) or lends
     * it (the loop's thread between {@link #beginLoopDeferral()} and
     * {@link #unparkLoopDeferred()}).
     *
     * @param t the thread to unpark
     * @return false when the caller must unpark {@code t} itself, now
     */
    boolean deferUnpark(Thread t) {
        Thread current = Thread.currentThread();
        if (current == borrower) {
            if (borrowerDeferredCount == MAX_DEFERRED) {
                return false;
            }
            borrowerDeferred[borrowerDeferredCount++] = t;
            return true;
        }
        if (current == loopThread && loopDeferring) {
            if (loopDeferredCount == MAX_DEFERRED) {
                return false;
            }
            loopDeferred[loopDeferredCount++] = t;
            return true;
        }
        return false;
    }

    /** Loop thread only: wake-ups asked for from now on wait for {@link #unparkLoopDeferred()}. */
    void beginLoopDeferral() {
        assert Thread.currentThread() == loopThread;
        loopDeferring = true;
    }

    /** Loop thread only: ends the deferral and performs the deferred wake-ups. */
    void unparkLoopDeferred() {
        assert Thread.currentThread() == loopThread;
        loopDeferring = false;
        for (int i = 0; i < loopDeferredCount; i++) {
            LockSupport.unpark(loopDeferred[i]);
            loopDeferred[i] = null;
        }
        loopDeferredCount = 0;
    }
}
