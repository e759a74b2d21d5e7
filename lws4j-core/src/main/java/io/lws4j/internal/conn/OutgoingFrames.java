package io.lws4j.internal.conn;

import io.lws4j.internal.frame.FrameWriter;
import java.nio.ByteBuffer;

/**
 * Encodes the frames one connection sends: unmasked on the server side, masked with the
 * client role's keys on the client side (RFC 6455 5.3), and the messages to compress when
 * permessage-deflate was agreed.
 *
 * <p>Not thread-safe: a client connection's instance must not be shared (the client role's
 * key source is not thread-safe). {@link #SERVER} is stateless and shared by every server
 * connection.
 */
final class OutgoingFrames {
    /** Unmasked frames; holds no state, so one instance serves every server connection. */
    static final OutgoingFrames SERVER = new OutgoingFrames(null);

    /** The key source on a client connection; null on the server side. */
    private final ClientRole client;

    OutgoingFrames(ClientRole client) {
        this.client = client;
    }

    /** A final data or control frame carrying {@code payload}'s remaining bytes. */
    ByteBuffer frame(int opcode, ByteBuffer payload) {
        return client == null ? FrameWriter.encode(opcode, payload)
                : FrameWriter.encodeMasked(opcode, true, payload, client.nextMaskKey());
    }

    /**
     * A frame encoded for sends from any thread: the shared unmasked frame itself (a view)
     * on the server side, a masked copy on the client side.
     */
    ByteBuffer frame(io.lws4j.internal.frame.EncodedMessage message) {
        return client == null ? message.serverFrame()
                : FrameWriter.encodeMasked(message.opcode(), message.fin(), message.payload(),
                        client.nextMaskKey());
    }

    /** A final text frame. */
    ByteBuffer text(String text) {
        ByteBuffer unmasked = FrameWriter.encodeText(text);
        if (client == null) {
            return unmasked;
        }
        unmasked.position(headerBytes(unmasked));
        return frame(FrameWriter.OP_TEXT, unmasked);
    }

    /** A close frame; the reason is cut to fit (see {@link FrameWriter#encodeClose}). */
    ByteBuffer close(int code, String reason) {
        ByteBuffer unmasked = FrameWriter.encodeClose(code, reason);
        if (client == null) {
            return unmasked;
        }
        unmasked.position(2); // a close payload is at most 125 bytes: a 2-byte header
        return frame(FrameWriter.OP_CLOSE, unmasked);
    }

    /**
     * A message to compress when it is written; a client's masking key is drawn now, since
     * the key source is service-thread confined and the compression may run without the role.
     *
     * @param payload a buffer the caller hands over (it must not change it afterwards)
     * @param shared whether the payload is a view of immutable bytes (not recycled)
     */
    PendingMessage toCompress(int opcode, ByteBuffer payload, boolean shared) {
        return client == null ? PendingMessage.uncompressed(opcode, payload, shared, false, 0)
                : PendingMessage.uncompressed(opcode, payload, shared, true, client.nextMaskKey());
    }

    /** @return the header length of an encoded unmasked frame, from its length byte */
    private static int headerBytes(ByteBuffer frame) {
        int len7 = frame.get(1) & 0x7F;
        return len7 == 126 ? 4 : len7 == 127 ? 10 : 2;
    }
}
