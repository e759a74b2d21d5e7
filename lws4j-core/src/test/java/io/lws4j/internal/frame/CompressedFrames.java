package io.lws4j.internal.frame;

import java.nio.ByteBuffer;

/** Test helper: the payload of an unmasked frame. */
final class CompressedFrames {
    private CompressedFrames() {
    }

    static byte[] payload(ByteBuffer frame) {
        ByteBuffer f = frame.duplicate();
        f.get();
        int len = f.get() & 0x7f;
        long length = len == 126 ? f.getShort() & 0xffff : len == 127 ? f.getLong() : len;
        byte[] payload = new byte[Math.toIntExact(length)];
        f.get(payload);
        return payload;
    }
}
