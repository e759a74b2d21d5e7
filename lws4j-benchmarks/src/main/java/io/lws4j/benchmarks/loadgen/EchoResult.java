package io.lws4j.benchmarks.loadgen;

/**
 * What an echo run measured.
 *
 * @param messages echoes received inside the measured period
 * @param seconds length of the measured period
 * @param roundTrips send-to-echo times of those messages
 * @param corrupt echoes of the wrong size or opcode
 * @param failedConnections connections that failed
 * @param error first error seen, or null
 * @param wire what travelled: negotiated transport, compression
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public record EchoResult(long messages, double seconds, LogHistogram roundTrips, long corrupt,
        int failedConnections, String error, WireStats wire) {

    public double messagesPerSecond() {
        return seconds > 0 ? messages / seconds : 0;
    }

    public boolean ok() {
        return failedConnections == 0 && corrupt == 0 && messages > 0;
    }

    public String check() {
        return ok() ? "ok" : "FAIL corrupt " + corrupt + " failedConn " + failedConnections
                + (error == null ? "" : " (" + error + ")");
    }
}
