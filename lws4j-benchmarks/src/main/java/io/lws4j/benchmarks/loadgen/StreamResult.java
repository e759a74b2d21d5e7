package io.lws4j.benchmarks.loadgen;

/**
 * What a sync-stream run measured.
 *
 * @param expected messages that should have arrived (connections × messages)
 * @param delivered distinct in-order messages received
 * @param duplicates messages whose sequence number was already seen
 * @param lost sequence numbers skipped over
 * @param corrupt messages whose head and tail sequence numbers differ (torn) or of wrong size
 * @param failedConnections connections that failed to connect, handshake or complete
 * @param seconds from the start commands to the last message
 * @param gaps time between consecutive messages on one connection, as the client read them
 * @param error first error seen, or null
 * @param wire what travelled: negotiated transport, compression
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public record StreamResult(long expected, long delivered, long duplicates, long lost, long corrupt,
        int failedConnections, double seconds, LogHistogram gaps, String error, WireStats wire) {

    /** Every message arrived exactly once and in order on every connection. */
    public boolean exactlyOnce() {
        return failedConnections == 0 && duplicates == 0 && lost == 0 && corrupt == 0
                && delivered == expected;
    }

    public double messagesPerSecond() {
        return seconds > 0 ? delivered / seconds : 0;
    }

    /** "ok", or the counts that broke the check. */
    public String check() {
        if (exactlyOnce()) {
            return "ok";
        }
        return "FAIL got " + delivered + "/" + expected + " dup " + duplicates + " lost " + lost
                + " corrupt " + corrupt + " failedConn " + failedConnections
                + (error == null ? "" : " (" + error + ")");
    }
}
