/**
 * The threadpool's engine: the lock-free task state word and SYNC handshake
 * ({@link io.lws4j.internal.pool.TaskState}), the task record, the per-connection task list
 * that doubles as the connection's close hook, the intrusive wait queue, and the workers.
 *
 * <p>Threading: task states change only by compare-and-set; the wait queue, the done list
 * and the worker slots are guarded by one lock per pool, which is never held while user code
 * or a connection method runs.
 */
package io.lws4j.internal.pool;
