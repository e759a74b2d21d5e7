package io.lws4j.internal.frame;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Applies (and, being an XOR, removes) the RFC 6455 section 5.3 masking transform in place.
 *
 * <p>Thread-safe: any method may be called from any thread (it has no state; callers must
 * not share the buffer being masked).
 */
public final class Masker {

    private Masker() {
    }

    /**
     * XORs bytes {@code from} (inclusive) to {@code to} (exclusive) of {@code buf}, by absolute
     * index, with the masking key. Byte {@code from} is treated as payload byte number
     * {@code keyOffset}, so a payload masked in several chunks gets each chunk's offset into the
     * payload. The buffer's position, limit and byte order are not changed; heap and direct
     * buffers both work.
     *
     * @param buf the buffer to mask in place; must be writable
     * @param from the index of the first byte to mask
     * @param to the index after the last byte to mask
     * @param maskKey the 32-bit masking key, its first wire byte in the most significant bits
     * @param keyOffset the index within the payload of the byte at {@code from}
     */
    public static void mask(ByteBuffer buf, int from, int to, int maskKey, int keyOffset) {
        if (from < 0 || to > buf.limit() || from > to) {
            throw new IndexOutOfBoundsException("mask range " + from + ".." + to
                    + " outside 0.." + buf.limit());
        }
        // Rotate the key so that its first byte is the one that applies at 'from'.
        int key = Integer.rotateLeft(maskKey, 8 * (keyOffset & 3));
        int i = from;
        if (to - i >= Long.BYTES) {
            long wide = ((long) key << 32) | (key & 0xFFFF_FFFFL);
            if (buf.order() == ByteOrder.LITTLE_ENDIAN) {
                wide = Long.reverseBytes(wide);
            }
            // Eight bytes is two whole key periods, so the key phase is unchanged after it.
            for (int last = to - Long.BYTES; i <= last; i += Long.BYTES) {
                buf.putLong(i, buf.getLong(i) ^ wide);
            }
        }
        for (int shift = 24; i < to; i++, shift = (shift - 8) & 31) {
            buf.put(i, (byte) (buf.get(i) ^ (key >>> shift)));
        }
    }
}
