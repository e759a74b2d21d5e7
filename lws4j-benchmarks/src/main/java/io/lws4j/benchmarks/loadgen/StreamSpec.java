package io.lws4j.benchmarks.loadgen;

import java.time.Duration;

/**
 * A sync-stream run: {@code connections} connections each receive {@code messages}
 * sequence-numbered messages.
 *
 * @param connections number of connections
 * @param messages messages each connection must receive
 * @param size message size in bytes (sent in the start command)
 * @param sendStart whether to send {@code "go M S"}; false for an external server that
 *        streams on its own as soon as the connection is open
 * @param timeout hard bound of the whole run
 * @param seqStep how much the sequence number grows per message (1 for our servers; the
 *        threadpool demo sends "pos N" with N growing by its --step)
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public record StreamSpec(int connections, int messages, int size, boolean sendStart, Duration timeout,
        long seqStep) {

    /** A run against a benchmark server: sends the start command, sequence step 1. */
    public StreamSpec(int connections, int messages, int size, Duration timeout) {
        this(connections, messages, size, true, timeout, 1);
    }
}
