package io.lws4j.internal.deflate;

import io.lws4j.internal.frame.FrameWriter;
import io.lws4j.internal.frame.Masker;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.Deflater;

/**
 * Compresses outgoing data messages for permessage-deflate (RFC 7692 §7.2.1) and frames
 * them: raw DEFLATE flushed with SYNC_FLUSH, the trailing {@code 0x00 0x00 0xff 0xff}
 * removed, sent as one final frame with RSV1 set. Control frames are never compressed.
 *
 * <p>Compression threshold: a payload shorter than the threshold given at construction is
 * sent uncompressed (RSV1 clear), which RFC 7692 allows per message, whether or not the
 * window is shared; so is, when the window is reset per message anyway, a message that
 * compression did not shrink. A message sent uncompressed never reaches the compressor, so
 * with a shared window the next compressed message refers only to earlier compressed ones,
 * which is exactly what the peer's decompressor has seen: the peer inflates only messages
 * with RSV1 set. A short message costs a zlib call, a flush and a block header to compress,
 * and saves few bytes unless a shared window already holds the same text; see
 * {@link io.lws4j.Context.Builder#compressionThreshold(int)} for the trade-off.
 *
 * <p>Context takeover: with {@code resetPerMessage} (our sending direction negotiated no
 * context takeover) the zlib stream is taken from the {@link ZlibPool} for one message and
 * given back after it, so a connection holds no zlib state between messages. Otherwise the
 * stream is taken on the first compressed message and kept until {@link #release()}, and
 * the window carries over, so every message given to {@link #encode} must really be sent, in
 * the order encoded: callers check their queue bound before queueing a message for encoding
 * (see {@link #maxFrameLength}) and encode queued messages in queue order.
 *
 * <p>Memory: a zlib deflate stream (window bits 15, memLevel 8: what {@link Deflater}
 * always uses) holds 256 KiB of window, hash and literal buffers plus about 6 KiB of state.
 * None exists until a message at or over the threshold is compressed. When the pool's
 * memory limit refuses a new stream, the message that needed it goes out uncompressed
 * (RSV1 clear), exactly like one under the threshold, and the next such message asks again.
 *
 * <p>Buffers: a payload copy and deflate's output of up to {@value #REUSED_MAX} bytes are
 * reused from message to message rather than allocated per message, which would mean fresh
 * memory written and read for every message. They belong to the thread, not to the
 * connection ({@link DeflateScratch}): a deflater holds no buffer between messages, so an
 * idle connection keeps none, and a loop's thread reuses one of each for all its
 * connections.
 *
 * <p>Not thread-safe: a connection's deflater is used by one thread at a time, the one
 * writing the connection's queued messages: the holder of its loop's service role (the
 * loop's thread, or a threadpool worker borrowing the role), or a borrower after it gave
 * the role back, compressing the messages its write took while the deflater is lent to it
 * ({@link PerMessageDeflate#lendDeflater()}). Uses are ordered by the role's hand-over and
 * by the hand-over of a write without the role to its completion (see
 * {@code ConnectionImpl}); there is no owner-thread check here for that reason.
 * {@link #compresses}, {@link #copyPayload}, {@link #copyText} and {@link #recycle} may run on
 * the thread that queues a message while another compresses an earlier one: they read only
 * final fields and the calling thread's own {@link DeflateScratch}.
 */
public final class MessageDeflater {

    /**
     * The default compression threshold: messages shorter than this go out uncompressed.
     * Node's {@code ws}, OkHttp and Java-WebSocket do not compress under 1 KiB either.
     */
    public static final int DEFAULT_COMPRESSION_THRESHOLD = 1024;

    /** The largest payload copy, and deflate output buffer, kept for the next message. */
    static final int REUSED_MAX = DeflateScratch.REUSED_MAX;

    private static final int RSV1 = 0x40;
    private static final int TAIL_LENGTH = 4;
    private static final byte[] NO_INPUT = new byte[0];

    private final boolean resetPerMessage;
    private final int minCompressBytes;
    private final ZlibPool zlib;
    /** The zlib stream: between messages only with a shared window, see the class comment. */
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
        this(resetPerMessage, minCompressBytes, ZlibPool.unpooled());
    }

    /**
     * Creates a deflater whose zlib stream comes from a pool.
     *
     * @param resetPerMessage see {@link #MessageDeflater(boolean, int)}
     * @param minCompressBytes the compression threshold: see
     *     {@link #MessageDeflater(boolean, int)}
     * @param zlib where the zlib stream is taken from and given back to
     */
    public MessageDeflater(boolean resetPerMessage, int minCompressBytes, ZlibPool zlib) {
        if (minCompressBytes < 0) {
            throw new IllegalArgumentException("negative minCompressBytes: " + minCompressBytes);
        }
        this.resetPerMessage = resetPerMessage;
        this.minCompressBytes = minCompressBytes;
        this.zlib = Objects.requireNonNull(zlib, "zlib");
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
     * Whether {@link #encode} compresses a payload of this length, as the threshold given at
     * construction decides; a payload it does not compress goes out as the same frame a
     * connection without permessage-deflate sends (RSV1 clear), so a caller may encode such
     * a message itself, at once, instead of queueing it for this deflater.
     *
     * @param payloadLength the uncompressed payload length
     * @return false for an empty payload and one under the threshold
     */
    public boolean compresses(long payloadLength) {
        return payloadLength != 0 && payloadLength >= minCompressBytes;
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
        if (!compresses(length)) {
            return frame(opcode, false, payload.duplicate(), masked, maskKey);
        }
        if (deflater == null) {
            deflater = zlib.takeDeflater();
            if (deflater == null) {
                // the context's compression memory limit refused a stream: this message goes
                // raw, and the next one asks again; the window, if shared, is untouched
                return frame(opcode, false, payload.duplicate(), masked, maskKey);
            }
        }
        ByteBuffer compressed = compress(payload.duplicate());
        if (resetPerMessage) {
            zlib.giveBack(deflater);
            deflater = null;
            // the window starts empty for the next message either way, so the raw form is
            // allowed whenever it is not longer
            if (minCompressBytes > 0 && compressed.remaining() >= length) {
                return frame(opcode, false, payload.duplicate(), masked, maskKey);
            }
        }
        return frame(opcode, true, compressed, masked, maskKey);
    }

    /**
     * A copy of a payload to queue for compression, in the buffer of an earlier message
     * when {@link #recycle} on this thread gave one back that is large enough.
     *
     * @param data the payload, from its position to its limit; not changed
     * @return the copy, flipped, owned by the caller until it gives it to {@link #recycle}
     */
    public ByteBuffer copyPayload(ByteBuffer data) {
        return DeflateScratch.ofThread().payload(data.remaining()).put(data.duplicate()).flip();
    }

    /**
     * The UTF-8 form of a text to queue for compression, as {@code String.getBytes(UTF_8)}
     * makes it, written into a recycled buffer as {@link #copyPayload} does.
     *
     * @param text the message
     * @param utf8Length its UTF-8 length, from {@link FrameWriter#utf8Length}
     * @return the bytes, flipped, owned by the caller until it gives them to {@link #recycle}
     */
    public ByteBuffer copyText(String text, int utf8Length) {
        ByteBuffer copy = DeflateScratch.ofThread().payload(utf8Length);
        int end = FrameWriter.writeUtf8(text, copy.array(), copy.arrayOffset());
        assert end == copy.arrayOffset() + utf8Length : "UTF-8 length differs";
        return copy;
    }

    /**
     * Takes back a queued payload once {@link #encode} is done with it, for the next
     * {@link #copyPayload} or {@link #copyText} on the calling thread; payloads over
     * {@value #REUSED_MAX} bytes are not kept.
     *
     * @param payload a buffer from {@link #copyPayload} or {@link #copyText} that nothing
     *     reads or writes any more
     */
    public void recycle(ByteBuffer payload) {
        assert !payload.isReadOnly() && payload.hasArray() : "not a payload copy";
        DeflateScratch.ofThread().keepPayload(payload);
    }

    /**
     * Gives the zlib stream back to the pool (which keeps or ends it); later encodes throw.
     * Idempotent.
     */
    public void release() {
        released = true;
        if (deflater != null) {
            zlib.giveBack(deflater);
            deflater = null;
        }
    }

    /**
     * Whether the native state exists, for tests of lazy allocation and release.
     *
     * @return true between the first compressed message and {@link #release()} with a shared
     *     window; false between messages when the window is reset per message
     */
    boolean hasNativeState() {
        return deflater != null;
    }

    /**
     * Deflates with SYNC_FLUSH and returns the output without its 4-byte tail, in the
     * thread's output array when the payload is small enough: valid until the thread's next
     * compression.
     */
    private ByteBuffer compress(ByteBuffer input) {
        int length = input.remaining();
        deflater.setInput(input);
        int bound = (int) Math.min(Integer.MAX_VALUE - 16, length + (length >> 11) + 64L);
        DeflateScratch scratch = DeflateScratch.ofThread();
        byte[] out = scratch.output(bound);
        int produced = 0;
        while (true) {
            produced += deflater.deflate(out, produced, out.length - produced, Deflater.SYNC_FLUSH);
            if (produced < out.length) {
                break; // SYNC_FLUSH is complete once it leaves output space unused
            }
            out = Arrays.copyOf(out, out.length + (out.length >> 1) + 64);
        }
        // the stream keeps a reference to its last input: drop it, or a connection whose
        // window is shared would hold its last payload copy for as long as it is idle
        deflater.setInput(NO_INPUT);
        assert produced >= TAIL_LENGTH && out[produced - 1] == (byte) 0xff
                && out[produced - 2] == (byte) 0xff && out[produced - 3] == 0
                && out[produced - 4] == 0 : "SYNC_FLUSH output must end in 00 00 ff ff";
        if (length <= REUSED_MAX) {
            scratch.keepOutput(out);
        }
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
