package io.lws4j.threadpool;

/**
 * Hears about a pool's tasks as they end and its SYNC waits as they end, to feed timers
 * (the {@code lws4j-micrometer} binder uses it). Register with
 * {@link ThreadPool#addListener}; every method has an empty default.
 *
 * <p>Threading: called on the worker thread that ran the task, with no pool lock held,
 * right after the event, so a method must be quick and must not block: it delays that
 * worker's next task or call. An exception it throws is logged and ignored. Several
 * workers may call one listener at once, so it must be thread-safe.
 */
public interface PoolListener {

    /**
     * A task that ran on a worker ended. Tasks removed from the queue before a worker took
     * them are not reported here (they count in {@link ThreadPoolMXBean#getStopped()}).
     *
     * @param status {@link TaskStatus#FINISHED} or {@link TaskStatus#STOPPED}
     * @param failed true when the task function threw (the task then ended STOPPED)
     * @param queuedNanos how long the task waited in the queue before a worker took it
     * @param workerNanos how long it was on its worker: its calls and its SYNC waits
     */
    default void taskEnded(TaskStatus status, boolean failed, long queuedNanos,
                           long workerNanos) {
    }

    /**
     * A SYNC wait ended: the time from a task function's {@link TaskReturn#SYNC} to the
     * acknowledgement by the service thread ({@link Task#sync(boolean)}), a stop, or the end
     * of the sync budget.
     *
     * @param waitNanos how long the worker waited
     * @param acknowledged true when the wait ended with {@code sync(false)}; false when it
     *     ended with a stop or was abandoned
     */
    default void syncWaitEnded(long waitNanos, boolean acknowledged) {
    }
}
