package io.lws4j.internal.loop;

import io.lws4j.Cancellable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One deadline in a {@link TimerQueue}: an action to run on the service thread at a point
 * on the {@link System#nanoTime()} clock.
 *
 * <p>Thread-safe: {@link #cancel()} may be called from any thread; the heap fields are
 * touched by the owning service thread only.
 */
public final class Timer implements Cancellable {
    /*
     * State: PENDING -> FIRED (the loop took it to run) or PENDING -> CANCELLED (cancel()).
     * Both outcomes are terminal; the CAS decides which one wins a race between a cancel on
     * another thread and the loop firing it. A timer cancelled off the service thread stays
     * in the heap until its deadline surfaces and is then dropped unrun (bounded: its
     * deadline is finite); a cancel on the service thread removes it at once.
     */
    static final int PENDING = 0;
    static final int FIRED = 1;
    static final int CANCELLED = 2;

    private final AtomicInteger state = new AtomicInteger(PENDING);
    private final TimerQueue owner;
    final Runnable action;
    /** The deadline on the nanoTime clock. Service thread only. */
    long deadline;
    /** Tie breaker keeping insertion order among equal deadlines. Service thread only. */
    long sequence;
    /** Position in the heap, -1 when not in it. Service thread only. */
    int index = -1;

    Timer(TimerQueue owner, long deadline, Runnable action) {
        this.owner = owner;
        this.deadline = deadline;
        this.action = action;
    }

    /**
     * Cancels the timer if it has not fired yet.
     *
     * @return true when this call prevented the action from running
     */
    @Override
    public boolean cancel() {
        if (!state.compareAndSet(PENDING, CANCELLED)) {
            return false;
        }
        owner.onCancelled(this);
        return true;
    }

    /**
     * @return true while the timer may still fire
     */
    public boolean isPending() {
        return state.get() == PENDING;
    }

    boolean markFired() {
        return state.compareAndSet(PENDING, FIRED);
    }
}
