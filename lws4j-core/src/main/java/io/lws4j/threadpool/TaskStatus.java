package io.lws4j.threadpool;

/**
 * The state of a threadpool task (lws {@code enum lws_threadpool_task_status}).
 *
 * <pre>
 * QUEUED  → RUNNING → (SYNCING ⇄ RUNNING)* → FINISHED | STOPPED
 *    │         └──────→ STOPPING ─────────→ STOPPED
 *    └─────────────────────────────────────→ STOPPED
 * </pre>
 *
 * <p>{@link #FINISHED} and {@link #STOPPED} are terminal and absorbing.
 *
 * <p>Thread-safe: an immutable enum.
 */
public enum TaskStatus {
    /** Waiting in the pool's queue for a worker; never called yet. */
    QUEUED,
    /** On a worker: the task function is being called, or is about to be called again. */
    RUNNING,
    /** On a worker, parked until the service thread acknowledges with {@code sync}. */
    SYNCING,
    /** A stop was requested; the task ends STOPPED at its next return. */
    STOPPING,
    /** Terminal: the task reported that it finished. */
    FINISHED,
    /** Terminal: the task stopped, was stopped, or failed. */
    STOPPED;

    /**
     * Tells whether this state is terminal.
     *
     * @return true for {@link #FINISHED} and {@link #STOPPED}
     */
    public boolean isTerminal() {
        return this == FINISHED || this == STOPPED;
    }
}
