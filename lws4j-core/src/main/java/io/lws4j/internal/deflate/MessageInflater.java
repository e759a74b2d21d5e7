package io.lws4j.internal.deflate;

import io.lws4j.internal.frame.MessageDecompressor;
import io.lws4j.internal.frame.ProtocolException;
import java.util.Objects;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses permessage-deflate messages (RFC 7692 §7.2.2) for a
 * {@link io.lws4j.internal.frame.FrameReader}: raw DEFLATE, with the
 * {@code 0x00 0x00 0xff 0xff} tail the sender stripped appended at the end of each message.
 *
 * <p>Context takeover: when the peer may not take over its context (it agreed to
 * {@code *_no_context_takeover} for its sending direction) the inflater is reset after every
 * message; otherwise the LZ77 window carries over, as the peer's compressor expects. A
 * message ending in a block with BFINAL set also resets it, since its stream is over.
 *
 * <p>Memory: a zlib inflate stream is about 7 KiB of state plus a 32 KiB window (window
 * bits 15; a peer using fewer bits is decoded just the same). It is taken from the
 * {@link ZlibPool} on the first compressed message. When the inflater is reset per message
 * it is given back at the end of every message, so a connection holds none between
 * compressed messages; otherwise it is kept until {@link #release()} gives it back. A
 * server connection with context takeover owns its inflater's reservation in the pool's
 * memory limit from the handshake; its stream is taken against it.
 *
 * <p>Not thread-safe: instances must not be shared.
 */
public final class MessageInflater implements MessageDecompressor {

    private static final byte[] TAIL = {0x00, 0x00, (byte) 0xff, (byte) 0xff};
    /** Guards against an Inflater that returns 0 without needing input: never loops forever. */
    private static final int MAX_EMPTY_ROUNDS = 4;

    private final boolean resetPerMessage;
    private final ZlibPool zlib;
    private Inflater inflater;
    private boolean released;
    /** Whether a pool reservation is owned and not yet used by a take. */
    private boolean reservationHeld;

    /** The thread that first used this instance; backs the confinement label with an assert. */
    private Thread owner;

    /**
     * Creates an inflater.
     *
     * @param resetPerMessage whether the peer's sending direction negotiated no context
     *     takeover (the server's {@code client_no_context_takeover}, a client's
     *     {@code server_no_context_takeover})
     */
    public MessageInflater(boolean resetPerMessage) {
        this(resetPerMessage, ZlibPool.unpooled());
    }

    /**
     * Creates an inflater whose zlib stream comes from a pool.
     *
     * @param resetPerMessage see {@link #MessageInflater(boolean)}
     * @param zlib where the zlib stream is taken from and given back to
     */
    public MessageInflater(boolean resetPerMessage, ZlibPool zlib) {
        this(resetPerMessage, zlib, false);
    }

    /**
     * Creates an inflater whose zlib stream comes from a pool, charged to a reservation.
     *
     * @param resetPerMessage see {@link #MessageInflater(boolean)}
     * @param zlib where the zlib stream is taken from and given back to
     * @param reserved whether the connection holds the inflater reservation of
     *     {@link ZlibPool#admitInflater(boolean) admitInflater(true)}, which this inflater then
     *     owns: its stream is taken against it, or {@link #release()} gives it back; only
     *     with context takeover (the reservation covers one stream kept for life)
     */
    public MessageInflater(boolean resetPerMessage, ZlibPool zlib, boolean reserved) {
        if (reserved && resetPerMessage) {
            throw new IllegalArgumentException("a reservation covers an inflater kept for the connection's life");
        }
        this.resetPerMessage = resetPerMessage;
        this.zlib = Objects.requireNonNull(zlib, "zlib");
        this.reservationHeld = reserved;
    }

    @Override
    public void input(byte[] src, int offset, int length) {
        assert isConfined() : "used from two threads";
        if (released) {
            return; // output() reports it
        }
        if (inflater == null) {
            inflater = zlib.takeInflater(reservationHeld);
            reservationHeld = false;
        }
        // the reader reuses its chunk array: earlier input must be used up (or the stream
        // finished, when the rest of the message is ignored)
        assert inflater.needsInput() || inflater.finished() : "input before output returned 0";
        inflater.setInput(src, offset, length);
    }

    @Override
    public void inputEnd() {
        input(TAIL, 0, TAIL.length);
    }

    @Override
    public int output(byte[] dst, int offset, int length) throws ProtocolException {
        assert isConfined() : "used from two threads";
        if (released) {
            throw new ProtocolException(1011, "decompressor released");
        }
        if (inflater == null) {
            return 0;
        }
        try {
            for (int round = 0; round < MAX_EMPTY_ROUNDS; round++) {
                int n = inflater.inflate(dst, offset, length);
                if (n > 0 || inflater.needsInput() || inflater.finished()) {
                    return n;
                }
                if (inflater.needsDictionary()) {
                    throw new ProtocolException(1007, "compressed message needs a preset dictionary");
                }
            }
            return 0;
        } catch (DataFormatException e) {
            throw new ProtocolException(1007, "compressed message is not valid DEFLATE data: "
                    + e.getMessage());
        }
    }

    @Override
    public void messageEnd() {
        assert isConfined() : "used from two threads";
        if (inflater == null) {
            return;
        }
        if (resetPerMessage) {
            zlib.giveBack(inflater);
            inflater = null;
        } else if (inflater.finished()) {
            inflater.reset();
        }
    }

    /**
     * Gives the zlib stream back to the pool (which keeps or ends it); later output fails
     * with 1011. Idempotent.
     */
    public void release() {
        released = true;
        if (inflater != null) {
            zlib.giveBack(inflater);
            inflater = null;
        }
        if (reservationHeld) {
            reservationHeld = false;
            zlib.releaseInflaterReservation();
        }
    }

    /**
     * Whether the native state exists, for tests of lazy allocation and release.
     *
     * @return true between the first compressed message and {@link #release()}, or with a
     *     reset per message only while a compressed message is being read
     */
    boolean hasNativeState() {
        return inflater != null;
    }

    private boolean isConfined() {
        Thread current = Thread.currentThread();
        if (owner == null) {
            owner = current;
        }
        return owner == current;
    }
}
