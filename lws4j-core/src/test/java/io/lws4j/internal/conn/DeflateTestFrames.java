package io.lws4j.internal.conn;

import io.lws4j.internal.frame.FrameWriter;
import java.nio.ByteBuffer;

/** Frame surgery for deflate tests: payload extraction and masked fragments with RSV1. */
final class DeflateTestFrames {
    private DeflateTestFrames() {
    }

    /** The payload of an unmasked frame. */
    static byte[] payloadOf(ByteBuffer frame) {
        ByteBuffer f = frame.duplicate();
        f.get();
        int len = f.get() & 0x7f;
        long length = len == 126 ? f.getShort() & 0xffff : len == 127 ? f.getLong() : len;
        byte[] payload = new byte[Math.toIntExact(length)];
        f.get(payload);
        return payload;
    }

    /** A masked frame carrying {@code payload[from, to)}, RSV1 as given. */
    static byte[] masked(int opcode, boolean fin, boolean rsv1, byte[] payload, int from, int to) {
        ByteBuffer frame = FrameWriter.encodeMasked(opcode, fin, ByteBuffer.wrap(payload, from, to - from), 0x2468ace1);
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        if (rsv1) {
            bytes[0] |= 0x40;
        }
        return bytes;
    }
}
