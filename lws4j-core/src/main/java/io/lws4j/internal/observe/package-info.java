/**
 * Observability: the per-loop counters behind the context statistics, the JMX registration
 * of contexts and pools, and the JFR events (category {@code lws4j}).
 *
 * <p>Threading: each class states its own contract. Counters have a single writer (the
 * holder of a loop's service role) or are {@link java.util.concurrent.atomic.LongAdder}s;
 * nothing on a hot path takes a lock. JFR events are created and committed on the thread
 * whose work they describe; when JFR does not record them, {@code shouldCommit()} is false
 * and they cost a branch.
 */
package io.lws4j.internal.observe;
