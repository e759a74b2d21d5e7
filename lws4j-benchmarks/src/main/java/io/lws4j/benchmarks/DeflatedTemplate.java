package io.lws4j.benchmarks;

import java.io.ByteArrayOutputStream;
import java.util.zip.Deflater;

/**
 * A permessage-deflate payload (RFC 7692) compressed once and sent many times with only its
 * 8-byte fields patched: the message's head value (sequence number or timestamp) and,
 * optionally, its tail value travel in <em>stored</em> (uncompressed) deflate blocks, the
 * {@link Filler} between them in one block compressed at level 6 by a fresh
 * {@link Deflater}. The payload never refers back to an earlier message, so it is valid
 * whatever the context-takeover parameters, and the receiver still inflates the filler.
 *
 * <p>Layout: {@code [00 08 00 f7 ff][head 8]} {@code [deflate(filler), SYNC_FLUSH]}
 * {@code [00 08 00 f7 ff][tail 8] [00]}; without a tail the final {@code 00 00 ff ff} of the
 * sync flush is removed (RFC 7692 §7.2.1), with one the lone {@code 00} starts the empty
 * stored block whose {@code 00 00 ff ff} the receiver appends (§7.2.2).
 *
 * @param payload the compressed payload (the frame's payload before masking)
 * @param headOffset where the 8-byte head value sits in {@code payload}
 * @param tailOffset where the tail value sits, or -1 without one
 *
 * <p>Thread-safe: any method may be called from any thread (treat {@code payload} as read-only).
 */
public record DeflatedTemplate(byte[] payload, int headOffset, int tailOffset) {
    private static final int STORED_HEADER = 5;

    /**
     * The template of a message of {@code size} plain bytes: 8-byte head, filler, and with
     * {@code withTail} an 8-byte tail (the sync-stream layout; without it, the echo layout).
     */
    public static DeflatedTemplate of(int size, boolean withTail) {
        return build(size, withTail, false);
    }

    /**
     * The template of a sync-stream message (head, filler, tail) that follows another one of
     * the same size on a connection whose receiver keeps its window (no
     * {@code server_no_context_takeover}): the filler is compressed against the previous
     * message, as a server with context takeover would, so it shrinks to a few back
     * references. The sequence numbers are never referred to (the window's copies are
     * assumed 0xff, a byte the filler does not contain, so no match can cover them).
     */
    public static DeflatedTemplate following(int size) {
        return build(size, true, true);
    }

    private static DeflatedTemplate build(int size, boolean withTail, boolean againstPrevious) {
        int filler = size - 8 - (withTail ? 8 : 0);
        if (filler < 0) {
            throw new IllegalArgumentException("message too small for its fields: " + size);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + 64);
        int head = storedEight(out);
        boolean endsWithFlush = false;
        if (filler > 0) {
            byte[] window = null;
            if (againstPrevious) {
                window = new byte[size + 8]; // previous message, then this one's head
                java.util.Arrays.fill(window, (byte) 0xff);
                Filler.copy(window, 8, filler);
            }
            out.writeBytes(syncFlushed(Filler.bytes(filler), window));
            endsWithFlush = true;
        }
        int tail = -1;
        if (withTail) {
            tail = storedEight(out);
            endsWithFlush = false;
        }
        byte[] all = out.toByteArray();
        if (endsWithFlush) {
            return new DeflatedTemplate(java.util.Arrays.copyOf(all, all.length - 4), head, tail);
        }
        byte[] withOpenEmptyBlock = java.util.Arrays.copyOf(all, all.length + 1);
        return new DeflatedTemplate(withOpenEmptyBlock, head, tail);
    }

    /** Appends a non-final stored block of 8 zero bytes; returns where the 8 bytes start. */
    private static int storedEight(ByteArrayOutputStream out) {
        out.writeBytes(new byte[] {0x00, 0x08, 0x00, (byte) 0xf7, (byte) 0xff});
        int at = out.size();
        out.writeBytes(new byte[8]);
        assert at - STORED_HEADER >= 0;
        return at;
    }

    private static byte[] syncFlushed(byte[] plain, byte[] window) {
        Deflater d = new Deflater(6, true);
        try {
            if (window != null) {
                d.setDictionary(window);
            }
            d.setInput(plain);
            ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 2 + 64);
            byte[] chunk = new byte[8192];
            int n;
            do {
                n = d.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
                out.write(chunk, 0, n);
            } while (n == chunk.length);
            return out.toByteArray();
        } finally {
            d.end();
        }
    }
}
