package io.lws4j.threadpool;

/**
 * What a task function returns to its worker (lws {@code enum lws_threadpool_task_return}).
 * The {@code _OUTLIVE} variants are the C values OR-ed with {@code LWS_TP_RETURN_FLAG_OUTLIVE}:
 * the task wishes to outlive its connection, and the wish is latched for the task's life.
 *
 * <p>Thread-safe: an immutable enum.
 */
public enum TaskReturn {
    /** Still work to do; just confirming the task is not being stopped. */
    CHECKING_IN,
    /**
     * Still work to do, but the task has output for the service thread: wait until the
     * service thread has consumed it and acknowledged with {@code Task.sync(...)}.
     */
    SYNC,
    /** No more work to do. */
    FINISHED,
    /** Responding to a request to stop. */
    STOPPED,
    /** {@link #CHECKING_IN}, and keep running when the connection closes. */
    CHECKING_IN_OUTLIVE,
    /** {@link #SYNC}, and keep running when the connection closes. */
    SYNC_OUTLIVE;

    /**
     * Tells whether this return carries the OUTLIVE flag.
     *
     * @return true for the {@code _OUTLIVE} variants
     */
    public boolean outlive() {
        return this == CHECKING_IN_OUTLIVE || this == SYNC_OUTLIVE;
    }

    /**
     * This return with the OUTLIVE flag set.
     *
     * @return the {@code _OUTLIVE} variant; {@link #FINISHED} and {@link #STOPPED} end the
     *     task and are returned unchanged
     */
    public TaskReturn withOutlive() {
        // not a switch: on an enum it compiles to a synthetic class of its own in the jar
        return this == CHECKING_IN ? CHECKING_IN_OUTLIVE : this == SYNC ? SYNC_OUTLIVE : this;
    }
}
