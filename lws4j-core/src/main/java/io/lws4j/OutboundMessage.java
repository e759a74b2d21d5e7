package io.lws4j;

import io.lws4j.internal.frame.EncodedMessage;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A websocket message framed once, to send to one or many connections with
 * {@link Connection#send(OutboundMessage)} or
 * {@link Context#broadcast(String, OutboundMessage, SendOverflow)}.
 *
 * <p>The frame is built when the message is made, on the calling thread, and then shared:
 * every server connection without permessage-deflate queues a view of the same bytes, so a
 * broadcast to N connections holds the payload once, not N times. A connection that
 * compresses (permessage-deflate) compresses its own copy, and a client connection masks
 * its own copy, as the protocol requires.
 *
 * <p>Thread-safe: immutable; one instance may be sent from any number of threads.
 */
public sealed interface OutboundMessage permits EncodedMessage {

    /**
     * A text message.
     *
     * @param text the message; unpaired surrogates are sent as {@code '?'}
     * @return the framed message
     */
    static OutboundMessage text(String text) {
        Objects.requireNonNull(text, "text");
        return EncodedMessage.text(text);
    }

    /**
     * A binary message. The remaining bytes of {@code data} are copied once; its position
     * is not changed.
     *
     * @param data the message
     * @return the framed message
     */
    static OutboundMessage binary(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        return EncodedMessage.binary(data);
    }

    /**
     * @return true for a text message
     */
    boolean isText();

    /**
     * @return the payload's length in bytes (UTF-8 bytes for text)
     */
    int payloadLength();
}
