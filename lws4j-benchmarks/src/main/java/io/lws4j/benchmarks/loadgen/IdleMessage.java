package io.lws4j.benchmarks.loadgen;

import io.lws4j.benchmarks.Wire;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * The one text message every connection of an idle run with a message sends once open, and
 * whose echo it waits for: chat-like ASCII JSON cut to the size asked for, framed once and
 * masked with the generator's constant key. With permessage-deflate it is compressed by a
 * fresh {@link Deflater} at the default level, as a browser compresses the first message of
 * a connection: with context takeover the sender's window is still empty then, so the same
 * bytes are that first message on every connection.
 *
 * @param text the message's plain bytes (ASCII, so also its UTF-8)
 * @param frame the complete masked client frame (RSV1 and compressed payload with deflate)
 *
 * <p>Thread-safe: any method may be called from any thread (treat the arrays as read-only).
 */
record IdleMessage(byte[] text, byte[] frame) {
    private static final byte[] PATTERN = ("{\"from\":\"user-1742\",\"room\":\"lobby\",\"text\":\"see you at the "
            + "standup, the build is green again\"}\n").getBytes(StandardCharsets.US_ASCII);
    /** RFC 7692 §7.2.1: the sender removes these four octets that end a sync flush. */
    private static final byte[] FLUSH_TAIL = {0x00, 0x00, (byte) 0xff, (byte) 0xff};

    static IdleMessage of(int size, boolean deflate) {
        if (size < 1) {
            throw new IllegalArgumentException("an idle message needs at least 1 byte, got " + size);
        }
        byte[] text = new byte[size];
        for (int i = 0; i < size; i++) {
            text[i] = PATTERN[i % PATTERN.length];
        }
        byte[] payload = deflate ? compress(text) : text;
        return new IdleMessage(text, Wire.maskedFrame(Wire.OP_TEXT, deflate, payload));
    }

    /** Whether {@code a[off, off + len)} is this message's text. */
    boolean matches(byte[] a, int off, int len) {
        return Arrays.equals(a, off, off + len, text, 0, text.length);
    }

    private static byte[] compress(byte[] text) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            deflater.setInput(text);
            ByteArrayOutputStream out = new ByteArrayOutputStream(text.length + 64);
            byte[] chunk = new byte[text.length + 64];
            int n;
            do {
                n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
                out.write(chunk, 0, n);
            } while (n == chunk.length);
            byte[] all = out.toByteArray();
            if (all.length < FLUSH_TAIL.length
                    || !Arrays.equals(all, all.length - 4, all.length, FLUSH_TAIL, 0, FLUSH_TAIL.length)) {
                throw new IllegalStateException("a sync flush did not end with 00 00 ff ff");
            }
            return Arrays.copyOf(all, all.length - FLUSH_TAIL.length);
        } finally {
            deflater.end();
        }
    }
}
