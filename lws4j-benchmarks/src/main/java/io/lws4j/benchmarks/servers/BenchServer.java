package io.lws4j.benchmarks.servers;

/**
 * A running benchmark server. Every implementation answers the same two jobs on the same
 * URL: the text message {@code "go M S"} starts a task that streams M sequence-numbered
 * binary messages of S bytes (see {@link io.lws4j.benchmarks.Wire}), one at a time, each
 * waiting until the previous one was written; a binary message is echoed back.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
interface BenchServer extends AutoCloseable {
    int port();

    @Override
    void close();
}
