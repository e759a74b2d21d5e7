/**
 * Service loops and the running context. A {@link io.lws4j.internal.loop.ServiceLoop} is one
 * thread with its own selector, an MPSC command queue that other threads post to (one
 * selector wakeup per burst), a timer heap and one shared read buffer; it runs a fixed duty
 * cycle and never blocks except in {@code select}.
 * {@link io.lws4j.internal.loop.ContextImpl} binds the listening socket, accepts on loop 0,
 * spreads connections round-robin over the loops and runs the shutdown sequence.
 *
 * <p>Threading: loop state is confined to its service thread; the documented entry points
 * ({@code execute}, {@code schedule}, {@code stop}, the watchdog accessors) are thread-safe.
 */
package io.lws4j.internal.loop;
