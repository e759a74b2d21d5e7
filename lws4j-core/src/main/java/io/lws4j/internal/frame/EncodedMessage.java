package io.lws4j.internal.frame;

import io.lws4j.OutboundMessage;
import java.nio.ByteBuffer;

/**
 * A data frame encoded once, unmasked, for sends from any thread and broadcasts: server
 * connections without compression queue {@linkplain #serverFrame() views} of the same bytes;
 * others mask or compress a copy of {@linkplain #payload() the payload}. Also a message's
 * fragment (a text, binary or continuation frame, final or not) for
 * {@link io.lws4j.MessageStream}.
 *
 * <p>Thread-safe: immutable; the shared buffer is never written after construction and is
 * only handed out as independent views.
 */
public final class EncodedMessage implements OutboundMessage {
    private final int opcode;
    private final boolean fin;
    /** The whole unmasked frame, position 0; never changed after construction. */
    private final ByteBuffer frame;
    private final int headerLength;

    private EncodedMessage(int opcode, boolean fin, ByteBuffer frame, int headerLength) {
        this.opcode = opcode;
        this.fin = fin;
        this.frame = frame;
        this.headerLength = headerLength;
    }

    /**
     * @param text the message
     * @return the final text frame
     */
    public static EncodedMessage text(String text) {
        ByteBuffer frame = FrameWriter.encodeText(text);
        int len7 = frame.get(1) & 0x7F;
        return new EncodedMessage(FrameWriter.OP_TEXT, true, frame,
                len7 == 126 ? 4 : len7 == 127 ? 10 : 2);
    }

    /**
     * @param data the payload, from its position to its limit; copied, not changed
     * @return the final binary frame
     */
    public static EncodedMessage binary(ByteBuffer data) {
        return fragment(FrameWriter.OP_BINARY, true, data);
    }

    /**
     * A frame of any data opcode.
     *
     * @param opcode {@link FrameWriter#OP_TEXT}, {@link FrameWriter#OP_BINARY} or
     *     {@link FrameWriter#OP_CONTINUATION}
     * @param fin whether the frame ends its message
     * @param data the payload, from its position to its limit; copied, not changed
     * @return the frame
     */
    public static EncodedMessage fragment(int opcode, boolean fin, ByteBuffer data) {
        int length = data.remaining();
        int header = FrameWriter.headerLength(length, false);
        ByteBuffer frame = ByteBuffer.allocate(header + length);
        FrameWriter.writeHeader(frame, fin, opcode, length, false, 0);
        frame.put(data.duplicate()).flip();
        return new EncodedMessage(opcode, fin, frame, header);
    }

    @Override
    public boolean isText() {
        return opcode == FrameWriter.OP_TEXT;
    }

    @Override
    public int payloadLength() {
        return frame.limit() - headerLength;
    }

    /** @return the frame's opcode */
    public int opcode() {
        return opcode;
    }

    /** @return whether the frame ends its message */
    public boolean fin() {
        return fin;
    }

    /** @return the unmasked frame's length in bytes */
    public int frameLength() {
        return frame.limit();
    }

    /** @return a new view of the whole unmasked frame (shares the bytes) */
    public ByteBuffer serverFrame() {
        return frame.duplicate();
    }

    /** @return a new read-only view of the payload (shares the bytes) */
    public ByteBuffer payload() {
        return frame.asReadOnlyBuffer().position(headerLength);
    }

    @Override
    public String toString() {
        return "OutboundMessage[opcode " + opcode + (fin ? "" : ", not final") + ", "
                + payloadLength() + " bytes]";
    }
}
