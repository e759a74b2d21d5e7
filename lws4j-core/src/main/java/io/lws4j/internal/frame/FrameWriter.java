package io.lws4j.internal.frame;

import java.nio.ByteBuffer;

/**
 * Encodes RFC 6455 frames. Server frames ({@link #encode}, {@link #encodeText},
 * {@link #encodeClose}) are unmasked and final; {@link #encodeMasked} builds the masked
 * frames a client sends. Every encoder returns a fresh heap buffer ready to be written
 * (position 0, limit at the frame's end) and never changes its arguments.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public final class FrameWriter {
    /** Opcode of a continuation frame. */
    public static final int OP_CONTINUATION = 0;
    /** Opcode of a text frame. */
    public static final int OP_TEXT = 1;
    /** Opcode of a binary frame. */
    public static final int OP_BINARY = 2;
    /** Opcode of a close frame. */
    public static final int OP_CLOSE = 8;
    /** Opcode of a ping frame. */
    public static final int OP_PING = 9;
    /** Opcode of a pong frame. */
    public static final int OP_PONG = 10;

    /** Largest payload a control frame may carry. */
    static final int MAX_CONTROL_PAYLOAD = 125;
    /** Largest close reason in bytes: the control payload less the two code bytes. */
    static final int MAX_CLOSE_REASON = MAX_CONTROL_PAYLOAD - 2;

    private static final int LENGTH_16_BIT = 126;
    private static final int LENGTH_64_BIT = 127;

    private FrameWriter() {
    }

    /**
     * Returns the size of a frame header.
     *
     * @param payloadLength the payload length, 0 to 2^63-1
     * @param masked whether the header carries a masking key
     * @return 2 to 14
     */
    public static int headerLength(long payloadLength, boolean masked) {
        int length = 2 + (masked ? 4 : 0);
        if (payloadLength > 0xFFFF) {
            return length + 8;
        }
        return payloadLength > MAX_CONTROL_PAYLOAD ? length + 2 : length;
    }

    /**
     * Writes a frame header at {@code dst}'s position, advancing it, using the shortest length
     * form.
     *
     * @param dst where to write; needs {@link #headerLength(long, boolean)} bytes remaining
     * @param fin whether this is the final frame of its message
     * @param opcode the opcode, 0-15
     * @param payloadLength the payload length, 0 to 2^63-1
     * @param masked whether to set the mask bit and write {@code maskKey}
     * @param maskKey the masking key (first wire byte most significant); ignored when not masked
     */
    public static void writeHeader(ByteBuffer dst, boolean fin, int opcode,
                                   long payloadLength, boolean masked, int maskKey) {
        if (opcode < 0 || opcode > 0xF) {
            throw new IllegalArgumentException("opcode out of range: " + opcode);
        }
        if (payloadLength < 0) {
            throw new IllegalArgumentException("negative payload length: " + payloadLength);
        }
        dst.put((byte) ((fin ? 0x80 : 0) | opcode));
        int maskBit = masked ? 0x80 : 0;
        if (payloadLength <= MAX_CONTROL_PAYLOAD) {
            dst.put((byte) (maskBit | (int) payloadLength));
        } else if (payloadLength <= 0xFFFF) {
            dst.put((byte) (maskBit | LENGTH_16_BIT));
            dst.putShort((short) payloadLength);
        } else {
            dst.put((byte) (maskBit | LENGTH_64_BIT));
            dst.putLong(payloadLength);
        }
        if (masked) {
            dst.putInt(maskKey);
        }
    }

    /**
     * Encodes an unmasked final frame.
     *
     * @param opcode the opcode
     * @param payload the payload, from its position to its limit; its position is not changed
     * @return the frame, flipped
     */
    public static ByteBuffer encode(int opcode, ByteBuffer payload) {
        return encodeFrame(opcode, true, payload, false, 0);
    }

    /**
     * Encodes a masked frame, as a client sends it.
     *
     * @param opcode the opcode
     * @param fin whether this is the final frame of its message
     * @param payload the payload, from its position to its limit; it is copied, not changed
     * @param maskKey the masking key (first wire byte most significant)
     * @return the frame, flipped
     */
    public static ByteBuffer encodeMasked(int opcode, boolean fin, ByteBuffer payload, int maskKey) {
        return encodeFrame(opcode, fin, payload, true, maskKey);
    }

    /**
     * Encodes an unmasked final text frame, writing the UTF-8 bytes straight into the frame.
     * Unpaired surrogates are encoded as {@code '?'}, as {@code String.getBytes} does.
     *
     * @param text the message
     * @return the frame, flipped
     */
    public static ByteBuffer encodeText(String text) {
        int payloadLength = Utf8Encoding.encodedLength(text);
        int headerLength = headerLength(payloadLength, false);
        ByteBuffer frame = ByteBuffer.allocate(headerLength + payloadLength);
        writeHeader(frame, true, OP_TEXT, payloadLength, false, 0);
        int end = Utf8Encoding.encode(text, text.length(), frame.array(), headerLength);
        assert end == frame.capacity();
        frame.position(end);
        return frame.flip();
    }

    /**
     * The length of a text's UTF-8 form, as {@link #encodeText} and
     * {@code String.getBytes(UTF_8)} write it.
     *
     * @param text the text
     * @return its UTF-8 length in bytes
     */
    public static int utf8Length(String text) {
        return Utf8Encoding.encodedLength(text);
    }

    /**
     * Writes a text's UTF-8 form, as {@link #encodeText} and {@code String.getBytes(UTF_8)}
     * write it.
     *
     * @param text the text
     * @param dst the destination, with room for {@link #utf8Length} bytes from {@code offset}
     * @param offset where to start writing
     * @return the index after the last byte written
     */
    public static int writeUtf8(String text, byte[] dst, int offset) {
        return Utf8Encoding.encode(text, text.length(), dst, offset);
    }

    /**
     * Encodes an unmasked close frame.
     *
     * @param code the close code; 0, 1005 (no status) and 1006 (abnormal) mean a frame
     *     without payload
     * @param reason the reason, may be null; cut to 123 UTF-8 bytes at a code point boundary
     * @return the frame, flipped
     */
    public static ByteBuffer encodeClose(int code, String reason) {
        if (code == 0 || code == 1005 || code == 1006) {
            ByteBuffer frame = ByteBuffer.allocate(2);
            writeHeader(frame, true, OP_CLOSE, 0, false, 0);
            return frame.flip();
        }
        if (code < 0 || code > 0xFFFF) {
            throw new IllegalArgumentException("close code out of range: " + code);
        }
        String text = reason == null ? "" : reason;
        int chars = Utf8Encoding.charsFitting(text, MAX_CLOSE_REASON);
        int reasonLength = Utf8Encoding.encodedLength(text, chars);
        ByteBuffer frame = ByteBuffer.allocate(2 + 2 + reasonLength);
        writeHeader(frame, true, OP_CLOSE, 2 + reasonLength, false, 0);
        frame.putShort((short) code);
        int end = Utf8Encoding.encode(text, chars, frame.array(), frame.position());
        assert end == frame.capacity();
        frame.position(end);
        return frame.flip();
    }

    private static ByteBuffer encodeFrame(int opcode, boolean fin, ByteBuffer payload,
                                          boolean masked, int maskKey) {
        int payloadLength = payload.remaining();
        if (opcode >= OP_CLOSE && (payloadLength > MAX_CONTROL_PAYLOAD || !fin)) {
            throw new IllegalArgumentException("control frame must be final and carry at most "
                    + MAX_CONTROL_PAYLOAD + " bytes, got " + payloadLength);
        }
        int headerLength = headerLength(payloadLength, masked);
        ByteBuffer frame = ByteBuffer.allocate(headerLength + payloadLength);
        writeHeader(frame, fin, opcode, payloadLength, masked, maskKey);
        frame.put(payload.duplicate());
        if (masked) {
            Masker.mask(frame, headerLength, frame.position(), maskKey, 0);
        }
        return frame.flip();
    }
}
