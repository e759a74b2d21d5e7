package io.lws4j.benchmarks.servers;

/**
 * The one contract every sync-stream server follows: a worker hands each message over to
 * its connection and blocks only while the connection's outbound buffer is above
 * {@link #HIGH_WATER} bytes, resuming once it has drained to {@link #LOW_WATER}. These are
 * lws4j's own numbers: the context's default {@code maxOutboundBytes} (a write that would
 * pass it is refused, and the task waits for {@code onWritable}) and the quarter of it at
 * which {@code onWritable} comes. The lws4j servers set them explicitly; Netty gets them as
 * its {@code WriteBufferWaterMark}; Jetty as its window of outstanding sends.
 *
 * <p>Thread-safe: constants only.
 */
final class Handover {
    /** Bytes queued on a connection above which a worker waits. */
    static final int HIGH_WATER = 1 << 20;
    /** Bytes queued on a connection at or below which a waiting worker resumes. */
    static final int LOW_WATER = HIGH_WATER / 4;
    /**
     * lws4j's socket read buffer and largest frame write buffer: Jetty's websocket input and
     * output buffers get the same size.
     */
    static final int IO_BUFFER_BYTES = 64 * 1024;

    private Handover() {
    }
}
