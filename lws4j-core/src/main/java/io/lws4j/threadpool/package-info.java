/**
 * The libwebsockets threadpool: pools of worker threads that run long or blocking tasks
 * bound to a websocket connection, with a bounded wait queue, cooperative stop when the
 * connection closes, and a SYNC handshake through which a task hands its output to the
 * connection's service thread and waits until it is written.
 *
 * <p>Threading: every {@code ThreadPool} and {@code Task} method may be called from any
 * thread; task functions run on the pool's workers; reaping and SYNC acknowledgement are
 * meant for the connection's service thread.
 */
package io.lws4j.threadpool;
