package io.lws4j.internal.frame;

import java.nio.ByteBuffer;

/**
 * Receives what a {@link FrameReader} decodes: whole data messages (fragments already joined)
 * and control frames, in wire order. A control frame that arrived between two fragments of a
 * data message is delivered before that message.
 *
 * <p>Not thread-safe: instances must not be shared; every method is called on the thread
 * that called {@link FrameReader#read(ByteBuffer)}.
 */
public interface MessageSink {

    /**
     * A complete text message whose bytes were valid UTF-8.
     *
     * @param text the decoded message, possibly empty
     */
    void onText(String text);

    /**
     * A complete binary message.
     *
     * @param data a fresh heap buffer from position 0 to the message length; the sink owns it
     */
    void onBinary(ByteBuffer data);

    /**
     * A ping frame.
     *
     * @param payload the ping payload (at most 125 bytes); valid only during the call
     */
    void onPing(ByteBuffer payload);

    /**
     * A pong frame.
     *
     * @param payload the pong payload (at most 125 bytes); valid only during the call
     */
    void onPong(ByteBuffer payload);

    /**
     * A close frame; the reader ignores all later input.
     *
     * @param code the validated close code, or 1005 (no status) when the frame had no payload
     * @param reason the validated reason, empty when absent
     */
    void onClose(int code, String reason);
}
