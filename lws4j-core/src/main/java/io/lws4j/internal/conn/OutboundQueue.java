package io.lws4j.internal.conn;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayDeque;

/**
 * A connection's queue of encoded frames waiting for the socket: data frames in order, and
 * control frames (pongs, pings) that jump ahead of data frames not yet
 * started, never splitting a frame already partly written.
 *
 * <p>The byte bounds are the caller's business ({@link #dataBytes()},
 * {@link #controlBytes()}); this class only keeps the counts.
 *
 * <p>Not thread-safe: instances must not be shared (each belongs to one connection and is
 * used on its service thread).
 */
final class OutboundQueue {
    /*
     * Wire order: if the head of `data` is partly written (position > 0) it goes first, so
     * it is finished before any control frame; then every control frame; then the data
     * frames. A gathering write that stops inside a control frame leaves that frame at the
     * head of `control` with position > 0; the data head then has position 0 (it was either
     * finished before or not yet started), so the control frame is resumed first next time.
     */
    private final ArrayDeque<ByteBuffer> data = new ArrayDeque<>();
    private final ArrayDeque<ByteBuffer> control = new ArrayDeque<>();
    private long dataBytes;
    private long controlBytes;
    /** The batch over the loop's scratch array that {@link #writeTo} reuses. */
    private OutboundBatch batch;

    void addData(ByteBuffer frame) {
        data.addLast(frame);
        dataBytes += frame.remaining();
    }

    void addControl(ByteBuffer frame) {
        control.addLast(frame);
        controlBytes += frame.remaining();
    }

    long dataBytes() {
        return dataBytes;
    }

    long controlBytes() {
        return controlBytes;
    }

    boolean isEmpty() {
        return data.isEmpty() && control.isEmpty();
    }

    /**
     * Writes as much as the channel takes, in wire order, with gathering writes.
     *
     * @param channel a non-blocking channel
     * @param scratch an array to gather into (its contents are overwritten and cleared)
     * @return the bytes written
     * @throws IOException from the channel
     */
    long writeTo(GatheringByteChannel channel, ByteBuffer[] scratch) throws IOException {
        if (batch == null || batch.buffers != scratch) {
            batch = new OutboundBatch(scratch);
        }
        long total = 0;
        while (!isEmpty()) {
            gather(batch);
            long written = 0;
            try {
                written = channel.write(batch.buffers, 0, batch.count);
            } finally {
                settle(batch);
            }
            total += written;
            if (written < batch.bytesBefore()) {
                break; // the socket is full (or the scratch array was): come back on OP_WRITE
            }
        }
        return total;
    }

    /**
     * Fills {@code b} with the frames of the next gathering write, in wire order, as many as
     * it holds. The frames stay queued until {@link #settle}; meanwhile only adds may happen
     * (no other gather or write), so they stay at the heads of their queues.
     *
     * @param b the batch to fill
     */
    void gather(OutboundBatch b) {
        ByteBuffer[] into = b.buffers;
        boolean[] isData = b.isData;
        int n = 0;
        long dataBefore = 0;
        long controlBefore = 0;
        ByteBuffer dataHead = data.peekFirst();
        boolean dataHeadFirst = dataHead != null && dataHead.position() > 0;
        if (dataHeadFirst) {
            isData[n] = true;
            into[n++] = dataHead;
            dataBefore += dataHead.remaining();
        }
        for (ByteBuffer f : control) {
            if (n == into.length) {
                break;
            }
            isData[n] = false;
            into[n++] = f;
            controlBefore += f.remaining();
        }
        boolean skip = dataHeadFirst;
        for (ByteBuffer f : data) {
            if (n == into.length) {
                break;
            }
            if (skip) {
                skip = false;
                continue;
            }
            isData[n] = true;
            into[n++] = f;
            dataBefore += f.remaining();
        }
        b.count = n;
        b.dataBefore = dataBefore;
        b.controlBefore = controlBefore;
    }

    /**
     * Accounts a gathered batch after its write: counts what was written, drops finished
     * frames and clears the batch's references.
     *
     * @param b a batch filled by {@link #gather} from this queue
     */
    void settle(OutboundBatch b) {
        long dataAfter = 0;
        long controlAfter = 0;
        for (int i = 0; i < b.count; i++) {
            if (b.isData[i]) {
                dataAfter += b.buffers[i].remaining();
            } else {
                controlAfter += b.buffers[i].remaining();
            }
        }
        b.clear();
        dataBytes -= b.dataBefore - dataAfter;
        controlBytes -= b.controlBefore - controlAfter;
        dropFinished(data);
        dropFinished(control);
    }

    private static void dropFinished(ArrayDeque<ByteBuffer> queue) {
        ByteBuffer head = queue.peekFirst();
        while (head != null && !head.hasRemaining()) {
            queue.pollFirst();
            head = queue.peekFirst();
        }
    }
}
