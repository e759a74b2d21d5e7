package io.lws4j.internal.conn;

import io.lws4j.internal.deflate.MessageDeflater;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The frames of one gathering write, taken from an {@link OutboundQueue} in wire order
 * ({@link OutboundQueue#gather}) and given back to it once written
 * ({@link OutboundQueue#settle}), with the byte counts the queue needs to settle them.
 *
 * <p>A batch written without the role may also carry pending messages taken out of the
 * queue ({@link OutboundQueue#takePending}): they follow every gathered frame in the data
 * stream, and {@link #encodeTaken} compresses them into frames placed after the gathered
 * ones, so one gathering write sends both. Whatever of those new frames the write leaves
 * goes back to the queue in {@link OutboundQueue#settle}.
 *
 * <p>Not thread-safe: it belongs to one connection. Between gather and settle the
 * compression of taken messages and the socket write may run on a thread without the
 * loop's role; the queue's owner hands the batch over with a happens-before edge both ways
 * (see {@code ConnectionImpl}'s write without the role).
 */
final class OutboundBatch {
    final ByteBuffer[] buffers;
    final boolean[] isData;
    /** Frames in {@link #buffers}: the gathered ones, then those {@link #encodeTaken} made. */
    int count;
    /** The frames {@link OutboundQueue#gather} put first; still queued until settled. */
    int gathered;
    long dataBefore;
    long controlBefore;
    /**
     * Pending messages taken out of the queue, in order; encoded into slots after the
     * gathered frames. Made on the first take: the batch of a connection that never takes
     * one (no deflate, or never written without the role) does not carry it.
     */
    private PendingMessage[] taken;
    int takenCount;
    /** The sum of the taken messages' reservations, still counted in the queue's data bytes. */
    long takenReserved;
    /** The bytes of the frames {@link #encodeTaken} made, before the write. */
    long encodedBefore;

    /**
     * @param buffers the array to gather into (the loop's scratch array, or one of its own)
     */
    OutboundBatch(ByteBuffer[] buffers) {
        this.buffers = buffers;
        this.isData = new boolean[buffers.length];
    }

    /** @return the array of taken messages, made on first use */
    PendingMessage[] taken() {
        if (taken == null) {
            taken = new PendingMessage[buffers.length];
        }
        return taken;
    }

    /**
     * Compresses the taken messages, in order, into the slots after the gathered frames.
     * Runs once per batch, before its write, on whichever thread writes.
     *
     * @param deflater the connection's deflater, which nothing else uses meanwhile
     * @throws IllegalStateException when the deflater was released
     */
    void encodeTaken(MessageDeflater deflater) {
        assert count == gathered : "taken messages encoded twice";
        long bytes = 0;
        for (int i = 0; i < takenCount; i++) {
            ByteBuffer frame = taken()[i].encode(deflater);
            buffers[count] = frame;
            isData[count] = true;
            count++;
            bytes += frame.remaining();
        }
        encodedBefore = bytes;
    }

    /**
     * Drops the batch's references to the frames and messages (gathered frames stay in
     * their queue). The byte counts stay, so {@link #bytesBefore()} still tells the
     * completion whether the write took everything.
     */
    void clear() {
        Arrays.fill(buffers, 0, count, null);
        if (taken != null) {
            Arrays.fill(taken, 0, takenCount, null);
        }
        count = 0;
        gathered = 0;
        takenCount = 0;
        takenReserved = 0;
    }

    /**
     * @return the bytes the batch held before its write: gathered and newly encoded frames
     */
    long bytesBefore() {
        return dataBefore + controlBefore + encodedBefore;
    }
}
