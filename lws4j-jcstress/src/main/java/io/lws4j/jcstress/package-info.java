/**
 * jcstress tests of the threadpool's concurrency core: the task-state compare-and-set
 * ({@code TaskStateTests}); the SYNC handshake against close and the real
 * {@code PoolCore.finish()}, the acknowledgement of an observed SYNC against the worker's
 * next SYNC, and the write an acknowledgement hands to the worker
 * ({@code SyncHandshakeTests}); the SYNC watchdog ({@code SyncWatchdogTests}); the
 * service loop's lent role ({@code io.lws4j.internal.loop.ServiceRoleTests}, in the role's
 * package because the role is package-private) and the served-queue hand-off of the real
 * {@code ServiceLoop.executeOrServe} ({@code ServedHandOffTests}); and the handshake
 * decision completed from any thread against another completion, the handshake timeout,
 * the client leaving and the hook returning
 * ({@code io.lws4j.internal.conn.HandshakeDecisionTests}, in the package of the
 * package-private {@code PendingHandshake}). Each test lists every acceptable outcome and
 * forbids the rest.
 *
 * <p>{@code ./mvnw verify} runs them through {@link io.lws4j.jcstress.CheckedRun}, which
 * fails the build when no test matched, a test gave no result or any outcome was
 * FORBIDDEN, with quick mode's strides and a short time per configuration (see the
 * module's pom); {@code -Djcstress.mode=default -Djcstress.time=1000 -Djcstress.iters=5}
 * runs them longer, and {@code -Djcstress.skip=true} skips them.
 *
 * <p>Threading: each test instance is driven by jcstress's own actor threads.
 */
package io.lws4j.jcstress;
