package io.lws4j.internal.deflate;

import io.lws4j.internal.frame.FrameWriter;
import io.lws4j.internal.frame.Masker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * Compresses outgoing data messages for permessage-deflate (RFC 7692 §7.2.1) and frames
 * them: raw DEFLATE flushed with SYNC_FLUSH, the trailing {@code 0x00 0x00 0xff 0xff}
 * removed, sent as one final frame with RSV1 set. Control frames are never compressed.
 *
 * <p>Small messages: a payload shorter than the threshold given at construction is sent
 * uncompressed (RSV1 clear), which RFC 7692 allows per message; so is, when the window is
 * reset per message anyway, a message that compression did not shrink. With a fresh window
 * per message the server uses {@value #DEFAULT_MIN_COMPRESS_BYTES} bytes: below about 48
 * bytes the block header and flush make text longer, not shorter (measured with zlib level
 * 6: 32 bytes of text give 34, 64 give 55). With a shared window it compresses every
 * non-empty message (see {@link PerMessageDeflate#create}), since short messages that repeat
 * earlier ones shrink most: 1000 ticker JSON messages of 44 bytes on average took 9,681
 * bytes with a shared window and 40,776 with a fresh one, against 43,782 raw.
 *
 * <p>Context takeover: with {@code resetPerMessage} (our sending direction negotiated no
 * context takeover) the compressor is reset after every message. Otherwise the window
 * carries over, so every message given to {@link #encode} must really be sent, in the
 * order encoded: callers check their queue bound before queueing a message for encoding
 * (see {@link #maxFrameLength}) and encode queued messages in queue order.
 *
 * <p>Memory: the zlib deflate state is created on the first compressed message: with
 * window bits 15 and memLevel 8 (what {@link Deflater} uses) 256 KiB of window, hash
 * and literal buffers plus about 6 KiB of state; it is freed by {@link #release()}.
 *
 * <p>Not thread-safe: a connection's deflater is used by one thread at a time, the one
 * writing the connection's queued messages: the holder of its loop's service role (the
 * loop's thread, or a threadpool worker borrowing the role), or a borrower after it gave
 * the role back, compressing the messages its write took while the deflater is lent to it
 * ({@link PerMessageDeflate#lendDeflater()}). Uses are ordered by the role's hand-over and
 * by the hand-over of a write without the role to its completion (see
 * {@code ConnectionImpl}); there is no owner-thread check here for that reason.
 */
public final class MessageDeflater {

    /** Messages shorter than this are sent uncompressed when the window is reset per message. */
    public static final int DEFAULT_MIN_COMPRESS_BYTES = 64;

    private static final int RSV1 = 0x40;
    private static final int TAIL_LENGTH = 4;

    private final boolean resetPerMessage;
    private final int minCompressBytes;
    private Deflater deflater;
    private boolean released;

    /**
     * Creates a deflater.
     *
     * @param resetPerMessage whether our sending direction negotiated no context takeover
     *     (a server's {@code server_no_context_takeover}, a client's
     *     {@code client_no_context_takeover})
     * @param minCompressBytes payloads shorter than this are sent uncompressed, and with
     *     {@code resetPerMessage} so is a message that did not shrink; 0 compresses every
     *     message
     */
    public MessageDeflater(boolean resetPerMessage, int minCompressBytes) {
        if (minCompressBytes < 0) {
            throw new IllegalArgumentException("negative minCompressBytes: " + minCompressBytes);
        }
        this.resetPerMessage = resetPerMessage;
        this.minCompressBytes = minCompressBytes;
    }

    /**
     * An upper bound of the frame {@link #encode} produces for a payload, for checking a
     * queue bound before encoding: the payload, deflate's worst-case growth for stored
     * blocks, and the largest header.
     *
     * @param payloadLength the uncompressed payload length
     * @return at least {@code payloadLength}
     */
    public static long maxFrameLength(long payloadLength) {
        return payloadLength + (payloadLength >> 11) + 32 + FrameWriter.headerLength(payloadLength + 1024, true);
    }

    /**
     * Encodes a text message as one final frame, compressed unless it is small.
     *
     * @param text the message
     * @param masked whether to mask the frame (a client's frames are masked)
     * @param maskKey the masking key; ignored when not masked
     * @return the frame, flipped
     */
    public ByteBuffer encodeText(String text, boolean masked, int maskKey) {
        return encode(FrameWriter.OP_TEXT, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)),
                masked, maskKey);
    }

    /**
     * Encodes a data message as one final frame, compressed unless it is small.
     *
     * @param opcode {@link FrameWriter#OP_TEXT} or {@link FrameWriter#OP_BINARY}
     * @param payload the message, from its position to its limit; not changed
     * @param masked whether to mask the frame (a client's frames are masked)
     * @param maskKey the masking key; ignored when not masked
     * @return the frame, flipped
     * @throws IllegalStateException after {@link #release()}
     */
    public ByteBuffer encode(int opcode, ByteBuffer payload, boolean masked, int maskKey) {
        if (opcode != FrameWriter.OP_TEXT && opcode != FrameWriter.OP_BINARY) {
            throw new IllegalArgumentException("only data messages are compressed: " + opcode);
        }
        if (released) {
            throw new IllegalStateException("deflater released");
        }
        int length = payload.remaining();
        // an empty message adds nothing to the window, and zlib emits no flush marker for a
        // flush without new input, so it always goes uncompressed
        if (length == 0 || length < minCompressBytes) {
            return frame(opcode, false, payload.duplicate(), masked, maskKey);
        }
        ByteBuffer compressed = compress(payload.duplicate());
        if (resetPerMessage) {
            deflater.reset();
            // the window starts empty for the next message either way, so the raw form is
            // allowed whenever it is not longer
            if (minCompressBytes > 0 && compressed.remaining() >= length) {
                return frame(opcode, false, payload.duplicate(), masked, maskKey);
            }
        }
        return frame(opcode, true, compressed, masked, maskKey);
    }

    /** Frees the native zlib state; later encodes throw. Idempotent. */
    public void release() {
        released = true;
        if (deflater != null) {
            deflater.end();
            deflater = null;
        }
    }

    /**
     * Whether the native state exists, for tests of lazy allocation and release.
     *
     * @return true between the first compressed message and {@link #release()}
     */
    boolean hasNativeState() {
        return deflater != null;
    }

    /** Deflates with SYNC_FLUSH and returns the output without its 4-byte tail. */
    private ByteBuffer compress(ByteBuffer input) {
        if (deflater == null) {
            deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        }
        int length = input.remaining();
        deflater.setInput(input);
        byte[] out = new byte[(int) Math.min(Integer.MAX_VALUE - 16, length + (length >> 11) + 64L)];
        int produced = 0;
        while (true) {
            produced += deflater.deflate(out, produced, out.length - produced, Deflater.SYNC_FLUSH);
            if (produced < out.length) {
                break; // SYNC_FLUSH is complete once it leaves output space unused
            }
            out = Arrays.copyOf(out, out.length + (out.length >> 1) + 64);
        }
        assert produced >= TAIL_LENGTH && out[produced - 1] == (byte) 0xff
                && out[produced - 2] == (byte) 0xff && out[produced - 3] == 0
                && out[produced - 4] == 0 : "SYNC_FLUSH output must end in 00 00 ff ff";
        return ByteBuffer.wrap(out, 0, produced - TAIL_LENGTH);
    }

    private static ByteBuffer frame(int opcode, boolean compressed, ByteBuffer payload,
                                    boolean masked, int maskKey) {
        int length = payload.remaining();
        int headerLength = FrameWriter.headerLength(length, masked);
        ByteBuffer frame = ByteBuffer.allocate(headerLength + length);
        FrameWriter.writeHeader(frame, true, opcode, length, masked, maskKey);
        if (compressed) {
            frame.put(0, (byte) (frame.get(0) | RSV1));
        }
        frame.put(payload);
        if (masked) {
            Masker.mask(frame, headerLength, frame.position(), maskKey, 0);
        }
        return frame.flip();
    }
}
