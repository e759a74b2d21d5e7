package io.lws4j;

/**
 * How a {@link Context#broadcast(String, OutboundMessage, SendOverflow) broadcast} went,
 * once every recipient's service thread queued or refused the message (the result does
 * not wait for slow sockets).
 *
 * <p>Thread-safe: immutable.
 *
 * @param queued recipients whose connection queued the message; it goes out as their
 *     peers read (a connection closing before that drops it)
 * @param refused recipients whose outbound queue was over its bound (slow consumers),
 *     skipped or closed as the broadcast's {@link SendOverflow} said
 * @param closed recipients that were closing or closed before the message was queued
 */
public record BroadcastResult(int queued, int refused, int closed) {

    /**
     * @return every recipient the broadcast was addressed to
     */
    public int recipients() {
        return queued + refused + closed;
    }
}
