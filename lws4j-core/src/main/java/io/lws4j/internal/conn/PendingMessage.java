package io.lws4j.internal.conn;

import io.lws4j.internal.deflate.MessageDeflater;
import java.nio.ByteBuffer;

/**
 * An entry of an {@link OutboundQueue}'s pending part: a data message not yet compressed
 * (its own copy of the payload, so the writer may reuse its buffer at once, given back to the
 * deflater once compressed; or a view of an immutable shared payload, which is not), or a
 * frame already encoded that must not overtake such messages (a close frame, or a message
 * under the compression threshold, queued behind them).
 * A message is compressed only when it is about to be written, by whoever writes (see
 * {@code ConnectionImpl}'s compression without the role), so that pool workers compress
 * their messages at the same time instead of one after the other while they hold the
 * loop's role.
 *
 * <p>The masking key of a client's message is drawn when the message is queued, with the
 * role, because the client role's key source is service-thread confined; the compression
 * itself then needs nothing but the deflater.
 *
 * <p>Not thread-safe: immutable once built, but the payload buffer's position is not
 * shared-safe; an entry is handed between threads only with the happens-before edges of
 * its queue's owner (the role's hand-over, the served queue).
 */
final class PendingMessage {
    /** The opcode of an entry that is already an encoded frame. */
    private static final int ENCODED = -1;

    private final int opcode;
    /** The uncompressed payload, or the encoded frame when {@code opcode == ENCODED}. */
    private final ByteBuffer bytes;
    private final boolean masked;
    private final int maskKey;
    /** Whether {@link #bytes} is the message's own copy, recycled once compressed. */
    private final boolean ownCopy;
    /** What the queue's data count holds for this entry until it is encoded. */
    private final long reservation;

    private PendingMessage(int opcode, ByteBuffer bytes, boolean masked, int maskKey,
            boolean ownCopy, long reservation) {
        this.opcode = opcode;
        this.bytes = bytes;
        this.masked = masked;
        this.maskKey = maskKey;
        this.ownCopy = ownCopy;
        this.reservation = reservation;
    }

    /**
     * A data message to compress.
     *
     * @param opcode {@code OP_TEXT} or {@code OP_BINARY}
     * @param payload from its position to its limit: a copy from
     *     {@link MessageDeflater#copyPayload} or {@link MessageDeflater#copyText} that the
     *     caller no longer uses, or, when {@code shared}, a view of bytes nobody ever changes
     * @param shared whether the payload is a shared view, not to be recycled
     * @param masked whether the frame is masked (client side)
     * @param maskKey the frame's masking key; ignored when not masked
     * @return the entry, reserving {@link MessageDeflater#maxFrameLength} bytes
     */
    static PendingMessage uncompressed(int opcode, ByteBuffer payload, boolean shared,
            boolean masked, int maskKey) {
        return new PendingMessage(opcode, payload, masked, maskKey, !shared,
                MessageDeflater.maxFrameLength(payload.remaining()));
    }

    /**
     * A frame that goes out unchanged, after the messages queued before it.
     *
     * @param frame the encoded frame
     * @return the entry, reserving the frame's length
     */
    static PendingMessage encoded(ByteBuffer frame) {
        return new PendingMessage(ENCODED, frame, false, 0, false, frame.remaining());
    }

    /** @return the bytes the queue counts for this entry until it is encoded */
    long reservation() {
        return reservation;
    }

    /**
     * The entry's frame: compresses a data message (advancing the deflater's window, so
     * entries must be encoded once each, in queue order), or returns the encoded frame.
     *
     * @param deflater the connection's deflater, used by one thread at a time
     * @return the frame, flipped; never longer than {@link #reservation()}
     * @throws IllegalStateException when the deflater was released
     */
    ByteBuffer encode(MessageDeflater deflater) {
        if (opcode == ENCODED) {
            return bytes;
        }
        ByteBuffer frame = deflater.encode(opcode, bytes, masked, maskKey);
        assert frame.remaining() <= reservation : "frame longer than its reservation";
        if (ownCopy) {
            deflater.recycle(bytes); // encoded once (see above): nothing reads it again
        }
        return frame;
    }
}
