/**
 * The threadpool demo: the lws4j port of libwebsockets' {@code minimal-ws-server-threadpool},
 * run by {@link io.lws4j.examples.threadpool.ThreadPoolDemo#main}. Protocol
 * {@code lws-minimal} gives every connection a counting task on a
 * {@link io.lws4j.threadpool.ThreadPool} and sends the positions the task hands over through
 * SYNC; protocol {@code lws-status} streams the pool's {@code diagnose()} numbers as JSON to
 * the page. The page itself (plain HTML, CSS and JavaScript) lives under
 * {@code page/} on the class path and is copied to a temporary directory for the static
 * mount. Connection callbacks run on service threads, task steps on pool workers, and
 * start, shutdown and the signal handler on any thread; each class states its rule.
 */
package io.lws4j.examples.threadpool;
