package io.lws4j.internal.conn;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayDeque;
import java.util.Arrays;

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
    /** Scratch flags: which gathered buffer is data. */
    private boolean[] kinds;

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
        long total = 0;
        while (!isEmpty()) {
            int n = 0;
            long dataBefore = 0;
            long controlBefore = 0;
            boolean[] isData = kinds(scratch.length);
            ByteBuffer dataHead = data.peekFirst();
            boolean dataHeadFirst = dataHead != null && dataHead.position() > 0;
            if (dataHeadFirst) {
                isData[n] = true;
                scratch[n++] = dataHead;
                dataBefore += dataHead.remaining();
            }
            for (ByteBuffer b : control) {
                if (n == scratch.length) {
                    break;
                }
                isData[n] = false;
                scratch[n++] = b;
                controlBefore += b.remaining();
            }
            boolean skip = dataHeadFirst;
            for (ByteBuffer b : data) {
                if (n == scratch.length) {
                    break;
                }
                if (skip) {
                    skip = false;
                    continue;
                }
                isData[n] = true;
                scratch[n++] = b;
                dataBefore += b.remaining();
            }
            long written;
            long dataAfter = 0;
            long controlAfter = 0;
            try {
                written = channel.write(scratch, 0, n);
                for (int i = 0; i < n; i++) {
                    if (isData[i]) {
                        dataAfter += scratch[i].remaining();
                    } else {
                        controlAfter += scratch[i].remaining();
                    }
                }
            } finally {
                Arrays.fill(scratch, 0, n, null);
            }
            dataBytes -= dataBefore - dataAfter;
            controlBytes -= controlBefore - controlAfter;
            dropFinished(data);
            dropFinished(control);
            total += written;
            if (written < dataBefore + controlBefore) {
                break; // the socket is full (or the scratch array was): come back on OP_WRITE
            }
        }
        return total;
    }

    private boolean[] kinds(int length) {
        if (kinds == null || kinds.length < length) {
            kinds = new boolean[length];
        }
        return kinds;
    }

    private static void dropFinished(ArrayDeque<ByteBuffer> queue) {
        ByteBuffer head = queue.peekFirst();
        while (head != null && !head.hasRemaining()) {
            queue.pollFirst();
            head = queue.peekFirst();
        }
    }
}
