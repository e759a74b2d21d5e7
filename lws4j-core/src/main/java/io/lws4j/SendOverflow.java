package io.lws4j;

/**
 * What a send from any thread does when the connection's outbound queue is over its bound
 * ({@link Context.Builder#maxOutboundBytes(int)}): the peer reads slower than the
 * application sends. Chosen for every connection with
 * {@link Context.Builder#sendOverflow(SendOverflow)}, and per broadcast with
 * {@link Context#broadcast(String, OutboundMessage, SendOverflow)}.
 *
 * <p>In every case the refused message's stage completes exceptionally with a
 * {@link SendQueueFullException} and nothing of it is queued; the policies differ in what
 * happens to the connection.
 *
 * <p>Thread-safe: constants only.
 */
public enum SendOverflow {
    /**
     * The send fails and the connection stays open; the application decides (drop the
     * message, retry once {@link Connection#queuedBytes()} fell). In a broadcast this skips
     * the slow recipient. The default.
     */
    FAIL,
    /** The send fails and the slow consumer is closed with 1008 (policy violation). */
    CLOSE_POLICY_VIOLATION,
    /** The send fails and the slow consumer is closed with 1013 (try again later). */
    CLOSE_TRY_AGAIN_LATER;

    /**
     * @return the close code this policy closes a slow consumer with, 0 for {@link #FAIL}
     */
    public int closeCode() {
        return switch (this) {
            case FAIL -> 0;
            case CLOSE_POLICY_VIOLATION -> CloseCodes.POLICY_VIOLATION;
            case CLOSE_TRY_AGAIN_LATER -> CloseCodes.TRY_AGAIN_LATER;
        };
    }
}
