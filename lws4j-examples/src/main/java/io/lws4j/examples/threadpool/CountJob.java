package io.lws4j.examples.threadpool;

import io.lws4j.threadpool.TaskReturn;
import io.lws4j.threadpool.TaskStatus;

/**
 * One connection's work, the task's {@code user} object: count from 0 to {@code end} in
 * steps, sleeping after each step, and hand a position to the service thread through the
 * pool's SYNC handshake at the start, each time the count passes a multiple of
 * {@code syncEvery}, and at the end.
 *
 * <p>Unlike the libwebsockets original, a call with {@link TaskStatus#STOPPING} does no work
 * and returns {@link TaskReturn#STOPPED} at once, and an interrupt (the pool's last resort at
 * shutdown) ends the task.
 *
 * <p>The pool calls {@link #run} on one worker at a time; the service thread reads
 * {@link #syncedPosition()} only while the task is SYNCING, which the pool orders: actions in
 * a task call that returns SYNC happen-before the service-thread callback that sees SYNCING,
 * and that callback's actions before {@code sync(false)} happen-before the next call.
 *
 * <p>Not thread-safe: instances must not be shared.
 */
final class CountJob {
    private final long end;
    private final long step;
    private final long sleepMs;
    private final long syncEvery;

    /** Worker only: the count so far. */
    private long pos;
    /** Worker only: the next multiple of syncEvery that triggers a SYNC. */
    private long nextMark;
    /** Worker only: whether the start position has been handed over. */
    private boolean started;
    /** Written by the worker before it returns SYNC; read by the service thread during SYNCING. */
    private long syncedPosition = -1;

    CountJob(DemoOptions options) {
        this.end = options.end();
        this.step = options.step();
        this.sleepMs = options.sleepMs();
        this.syncEvery = options.syncEvery();
        this.nextMark = nextMark(0, syncEvery);
    }

    /**
     * The task function: one step per call.
     *
     * @param status RUNNING, or STOPPING when the pool wants the task to end
     * @return what the pool should do next
     */
    TaskReturn run(TaskStatus status) {
        if (status == TaskStatus.STOPPING) {
            return TaskReturn.STOPPED;
        }
        if (!started) {
            started = true;
            syncedPosition = 0;
            return TaskReturn.SYNC;
        }
        if (pos >= end) {
            return TaskReturn.FINISHED;
        }
        pos = advance(pos, end, step);
        if (sleepMs > 0) {
            try {
                Thread.sleep(sleepMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return TaskReturn.STOPPED;
            }
        }
        if (syncsAt(pos, nextMark, end)) {
            syncedPosition = pos;
            nextMark = nextMark(pos, syncEvery);
            return TaskReturn.SYNC;
        }
        return TaskReturn.CHECKING_IN;
    }

    /**
     * The position the task handed over with its last SYNC; valid on the service thread
     * while the task is SYNCING.
     *
     * @return the position, or -1 before the first SYNC
     */
    long syncedPosition() {
        return syncedPosition;
    }

    /** The count after one step from {@code pos}: by counting, as the original does. */
    static long advance(long pos, long end, long step) {
        long n = Math.min(step, end - pos);
        long counted = pos;
        for (long i = 0; i < n; i++) {
            counted++;
        }
        return counted;
    }

    /** Whether a count of {@code pos} is handed over: it reached the next mark or the end. */
    static boolean syncsAt(long pos, long nextMark, long end) {
        return pos >= nextMark || pos == end;
    }

    /** The first multiple of {@code syncEvery} above {@code pos}. */
    static long nextMark(long pos, long syncEvery) {
        return (pos / syncEvery + 1) * syncEvery;
    }
}
