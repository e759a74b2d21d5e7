package io.lws4j.internal.conn;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The frames of one gathering write, taken from an {@link OutboundQueue} in wire order
 * ({@link OutboundQueue#gather}) and given back to it once written
 * ({@link OutboundQueue#settle}), with the byte counts the queue needs to settle them.
 *
 * <p>Not thread-safe: it belongs to one connection. Between gather and settle the socket
 * write may run on a thread without the loop's role; the queue's owner hands the batch over
 * with a happens-before edge both ways (see {@code ConnectionImpl}'s write without the role).
 */
final class OutboundBatch {
    final ByteBuffer[] buffers;
    final boolean[] isData;
    int count;
    long dataBefore;
    long controlBefore;

    /**
     * @param buffers the array to gather into (the loop's scratch array, or one of its own)
     */
    OutboundBatch(ByteBuffer[] buffers) {
        this.buffers = buffers;
        this.isData = new boolean[buffers.length];
    }

    /** Drops the batch's references to the frames (they stay in their queue). */
    void clear() {
        Arrays.fill(buffers, 0, count, null);
        count = 0;
    }

    /**
     * @return the bytes the batch held when gathered
     */
    long bytesBefore() {
        return dataBefore + controlBefore;
    }
}
