package io.lws4j.internal.loop;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Clears the interrupts user code leaves on a service loop's role holders. A selector
 * returns at once while its thread is interrupted, so an interrupt left by a callback (one
 * that swallowed an {@code InterruptedException} and restored the flag, the usual idiom)
 * would turn the loop into a busy loop and make {@link ServiceRole#reclaim()} spin. The loop
 * calls {@link #clear} after every command, timer, key handler and after-I/O task, and
 * before and after every select, and has no use for interrupts itself (a loop is stopped by
 * {@link ServiceLoop#stop()}). The first interrupt cleared is logged at WARNING, naming what
 * ran last (the connection and its protocol for a key handler); later ones at DEBUG.
 *
 * <p>A borrower of the role keeps its own interrupt status across
 * {@link ServiceLoop#executeOrServe} (see {@link LentService}), so an interrupt meant for a
 * pool worker does not reach the callbacks, and one a callback left does not reach the
 * worker's task.
 *
 * <p>Thread-safe: {@link #clear} is called by whichever thread holds the loop's role and acts
 * on that thread only; the count is a {@link LongAdder} and the logged flag an
 * {@link AtomicBoolean}.
 */
final class LoopInterrupts {
    private static final System.Logger LOG = System.getLogger(ServiceLoop.class.getName());

    private final String loopName;
    private final LongAdder cleared = new LongAdder();
    /** Set by the first interrupt cleared: later ones are logged at DEBUG only. */
    private final AtomicBoolean logged = new AtomicBoolean();

    LoopInterrupts(String loopName) {
        this.loopName = loopName;
    }

    /**
     * Clears the calling thread's interrupt, if set, and logs it.
     *
     * @param source what ran last, for the log
     */
    void clear(Object source) {
        if (Thread.interrupted()) {
            cleared.increment();
            if (logged.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, "{0}: thread {1} was interrupted after"
                        + " {2}; the interrupt is cleared, since a service loop cannot select"
                        + " while interrupted (logged once per loop; a callback must not"
                        + " interrupt its thread, and a context is stopped by closing it)",
                        loopName, Thread.currentThread().getName(), source);
            } else {
                LOG.log(System.Logger.Level.DEBUG, "{0}: thread {1} was interrupted after {2};"
                        + " cleared", loopName, Thread.currentThread().getName(), source);
            }
        }
    }

    /**
     * @return how many interrupts were cleared
     */
    long cleared() {
        return cleared.sum();
    }
}
