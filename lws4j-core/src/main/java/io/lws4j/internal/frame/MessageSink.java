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
     * A chunk of a streamed data message (a reader with {@link FrameReader#streaming(boolean)}
     * on). The chunks of a message come in order, the last with {@code last} true.
     *
     * @param text true for a text message, whose bytes so far are valid UTF-8 (a chunk may end
     *     inside a sequence; the whole message is complete UTF-8 at the last chunk)
     * @param data the chunk, at most {@link FrameReader#STREAM_CHUNK} bytes; valid only
     *     during the call
     * @param last true for the message's last chunk, possibly empty
     */
    default void onFragment(boolean text, ByteBuffer data, boolean last) {
        throw new UnsupportedOperationException("this sink does not take streamed messages");
    }

    /**
     * Asked by the reader before each step (a header, or a chunk of payload): true makes it
     * return at once, leaving the rest of its input unconsumed, as a paused connection wants.
     *
     * @return true to stop reading here
     */
    default boolean paused() {
        return false;
    }

    /**
     * A close frame; the reader ignores all later input.
     *
     * @param code the validated close code, or 1005 (no status) when the frame had no payload
     * @param reason the validated reason, empty when absent
     */
    void onClose(int code, String reason);
}
