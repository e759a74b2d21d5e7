/**
 * jcstress tests of the threadpool's concurrency core: the task-state compare-and-set
 * ({@code TaskStateTests}) and the SYNC handshake against close and finish
 * ({@code SyncHandshakeTests}); and the service loop's lent role
 * ({@code io.lws4j.internal.loop.ServiceRoleTests}, in the role's package because the role is
 * package-private). Each test lists every acceptable outcome and forbids the
 * rest. {@code ./mvnw verify} runs them in jcstress's sanity mode (about a minute and a half
 * on two CPUs, a few samples per configuration); {@code -Djcstress.mode=quick} (about 12
 * minutes on two CPUs, millions of samples per test) or {@code default} runs them longer,
 * and {@code -Djcstress.skip=true} skips them.
 *
 * <p>Threading: each test instance is driven by jcstress's own actor threads.
 */
package io.lws4j.jcstress;
