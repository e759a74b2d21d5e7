package io.lws4j.benchmarks.loadgen;

/**
 * What travelled from the server to the generator in one run, over all its connections
 * (warm-up included): the transport as negotiated and how much permessage-deflate saved.
 *
 * @param negotiated the first connection's TLS protocol and cipher suite ("plain" without
 *        TLS) and the server's {@code Sec-WebSocket-Extensions} answer, if any
 * @param messages data messages received
 * @param compressed of those, messages that came compressed (RSV1)
 * @param wirePayloadBytes their payload bytes as framed (compressed, where they were)
 * @param plainPayloadBytes their payload bytes after inflating
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public record WireStats(String negotiated, long messages, long compressed, long wirePayloadBytes,
        long plainPayloadBytes) {

    /** Sums the loops' counters; the first non-null description wins. */
    static WireStats of(Iterable<ClientLoop> loops) {
        String negotiated = null;
        long messages = 0;
        long compressed = 0;
        long wire = 0;
        long plain = 0;
        for (ClientLoop l : loops) {
            negotiated = negotiated != null ? negotiated : l.negotiated;
            messages += l.dataMessages;
            compressed += l.compressedMessages;
            wire += l.wirePayloadBytes;
            plain += l.plainPayloadBytes;
        }
        return new WireStats(negotiated == null ? "n/a" : negotiated, messages, compressed, wire, plain);
    }

    /** Share of messages that came compressed, 0 to 1 (-1 without messages). */
    public double compressedShare() {
        return messages == 0 ? -1 : (double) compressed / messages;
    }

    /** Average payload bytes per message on the wire (-1 without messages). */
    public double wireBytesPerMessage() {
        return messages == 0 ? -1 : (double) wirePayloadBytes / messages;
    }
}
