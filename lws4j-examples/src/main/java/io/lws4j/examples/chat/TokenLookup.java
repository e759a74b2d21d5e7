package io.lws4j.examples.chat;

import io.lws4j.HandshakeDecision;
import io.lws4j.threadpool.TaskReturn;
import io.lws4j.threadpool.TaskStatus;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One token lookup, run as a {@link io.lws4j.threadpool.ThreadPool} task bound to the
 * connection being opened ({@link HandshakeDecision#connection()}): a simulated slow call (a
 * database, an identity service) in slices of at most {@value #SLICE_MILLIS} ms, so that
 * the pool can stop it cleanly, then the handshake decided from the worker.
 *
 * <p>Thread-safe: the fields are set before the task is enqueued (which happens-before its
 * first call) and read or written only by the task function, one call at a time;
 * {@link #decidedOn()} is for diagnostics and tests.
 */
final class TokenLookup {
    /** The longest one call of the task function sleeps. */
    static final long SLICE_MILLIS = 20;

    private final Optional<String> token;
    private final Set<String> tokens;
    private final HandshakeDecision decision;
    private final long dueNanos;
    private volatile Thread decidedOn;

    TokenLookup(Optional<String> token, Set<String> tokens, HandshakeDecision decision,
            long delayMillis) {
        this.token = token;
        this.tokens = tokens;
        this.decision = decision;
        this.dueNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis);
    }

    /**
     * The task function: waits out the lookup in slices, then decides.
     *
     * @param status RUNNING, or STOPPING when the pool or the connection is going away
     * @return CHECKING_IN while the lookup lasts, FINISHED once decided, STOPPED when stopped
     * @throws InterruptedException when the worker is interrupted (the pool shuts down)
     */
    TaskReturn step(TaskStatus status) throws InterruptedException {
        if (status == TaskStatus.STOPPING) {
            // the client left, or the server is closing: nobody waits for the answer, and a
            // completion here does nothing when the connection already closed
            decision.refuse(503, "lookup stopped");
            return TaskReturn.STOPPED;
        }
        long left = dueNanos - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(SLICE_MILLIS)));
            return TaskReturn.CHECKING_IN;
        }
        decidedOn = Thread.currentThread();
        ChatProtocol.decide(token, tokens, decision);
        return TaskReturn.FINISHED;
    }

    /** @return the thread that decided, null before the decision */
    Thread decidedOn() {
        return decidedOn;
    }
}
