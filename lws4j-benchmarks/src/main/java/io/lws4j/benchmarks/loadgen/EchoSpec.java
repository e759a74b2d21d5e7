package io.lws4j.benchmarks.loadgen;

import java.time.Duration;

/**
 * An echo run: {@code connections} connections each keep {@code window} binary messages of
 * {@code size} bytes in flight (1 = ping-pong), for a warm-up then a measured period.
 *
 * @param connections number of connections
 * @param size payload bytes (at least 8: the send timestamp)
 * @param window messages in flight per connection
 * @param warmup time before measuring
 * @param measure measured period
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public record EchoSpec(int connections, int size, int window, Duration warmup, Duration measure) {
}
