package io.lws4j.threadpool;

import io.lws4j.Connection;

/**
 * Releases a task's user object (the lws {@code cleanup} callback). It runs exactly once for
 * every task accepted by {@link ThreadPool#enqueue}, whatever ends the task, and never while
 * a pool lock is held, so it may call back into the pool.
 *
 * <p>It runs on the connection's service thread with the live connection when the task is
 * reaped there ({@link Task#status()}, {@link Task#dequeue()}); otherwise on a worker, on the
 * thread closing the connection, or on the thread finishing the pool, with {@code null}.
 * An exception it throws is logged and otherwise ignored; a {@link VirtualMachineError} is
 * rethrown to the thread that ran it (the task counts as cleaned all the same). On a worker
 * that error ends the worker thread, once the worker's own task is completed.
 *
 * <p>Implementations are called once per task, on whichever thread ends it.
 *
 * <p>Thread-safe: any method may be called from any thread.
 *
 * @param <U> the type of the task's user object
 */
@FunctionalInterface
public interface Cleanup<U> {

    /**
     * Releases what the task owned.
     *
     * @param wsiOrNull the live connection when called on its service thread, else null
     * @param user the task's user object
     */
    void cleanup(Connection wsiOrNull, U user);
}
