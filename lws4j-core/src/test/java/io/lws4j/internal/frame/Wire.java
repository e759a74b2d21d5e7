package io.lws4j.internal.frame;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Test helpers for building raw wire bytes. */
final class Wire {
    private Wire() {
    }

    /** Parses hex, ignoring spaces. */
    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static byte[] bytes(ByteBuffer buf) {
        byte[] bytes = new byte[buf.remaining()];
        buf.duplicate().get(bytes);
        return bytes;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A masked (client) frame. */
    static byte[] masked(int opcode, boolean fin, byte[] payload, int maskKey) {
        return bytes(FrameWriter.encodeMasked(opcode, fin, ByteBuffer.wrap(payload), maskKey));
    }

    /** A masked final frame with a fixed key. */
    static byte[] masked(int opcode, byte[] payload) {
        return masked(opcode, true, payload, 0x37FA213D);
    }

    /** A masked close frame with a raw code and reason bytes. */
    static byte[] maskedClose(int code, byte[] reason) {
        byte[] payload = new byte[2 + reason.length];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(reason, 0, payload, 2, reason.length);
        return masked(FrameWriter.OP_CLOSE, payload);
    }
}
