package io.lws4j.internal.conn;

import io.lws4j.internal.deflate.MessageDeflater;
import io.lws4j.internal.loop.FrameBuffers;
import io.lws4j.internal.observe.LoopCounters;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayDeque;

/**
 * A connection's queue of frames waiting for the socket: data frames in order, and control
 * frames (pongs, pings) that jump ahead of data frames not yet started, never splitting a
 * frame already partly written. With permessage-deflate the data stream ends in
 * {@link PendingMessage}s, messages not yet compressed (and frames queued behind them): they
 * are compressed only by whoever writes them, in queue order, either with the role
 * ({@link #encodePending}) or after being taken into a batch written without the role
 * ({@link #takePending}, {@link OutboundBatch#encodeTaken}), so the deflater's window sees
 * the messages in wire order.
 *
 * <p>Data frames in the loop's direct buffers ({@link FrameBuffers}) go back to it once
 * written ({@link #settle}) or when the connection closes ({@link #releaseFrames}).
 *
 * <p>The byte bounds are the caller's business ({@link #dataBytes()},
 * {@link #controlBytes()}); this class only keeps the counts. A pending message counts its
 * reservation ({@link MessageDeflater#maxFrameLength}) until it is encoded, then its frame's
 * length, so the data count never falls below what is really queued.
 *
 * <p>Not thread-safe: instances must not be shared (each belongs to one connection and is
 * used by the holder of its loop's role; a batch being written without the role is not
 * touched by this class until {@link #settle}).
 */
final class OutboundQueue {
    /*
     * Wire order: if the head of `data` is partly written (position > 0) or the barrier, it
     * goes first, so
     * it is finished before any control frame; then every control frame; then the data
     * frames. A gathering write that stops inside a control frame leaves that frame at the
     * head of `control` with position > 0; the data head then has position 0 (it was either
     * finished before or not yet started), so the control frame is resumed first next time.
     *
     * Data stream order: `data` (encoded), then the messages of a batch in flight that
     * took pending messages (`takenOut`), then `pending`. While pending messages exist or
     * are taken out, addData() appends behind them in `pending`, so a close frame never
     * overtakes a message; settle() puts the unwritten rest of a batch's new frames at the
     * tail of `data`, which meanwhile received nothing (adds went to `pending`), so the rest
     * stays ahead of everything queued meanwhile.
     */
    private final ArrayDeque<ByteBuffer> data = new ArrayDeque<>();
    /** Made on the first message to compress: connections without deflate never carry it. */
    private ArrayDeque<PendingMessage> pending;
    /** Pending messages taken into a batch in flight, not yet settled. */
    private int takenOut;
    private final ArrayDeque<ByteBuffer> control = new ArrayDeque<>();
    /**
     * A data frame no control frame may overtake while it is at the head of the data: the
     * 101 response, which must precede a ping written in onEstablished. Null once it left
     * the head (written).
     */
    private ByteBuffer barrier;
    private long dataBytes;
    private long controlBytes;
    /**
     * Data frames ever queued, each counted once when added (a pending message becomes
     * exactly one frame): a frame's number in the data stream, for send completions.
     */
    private long framesQueued;
    /** Data frames finished on the wire, in data stream order (never those dropped). */
    private long framesWritten;
    /** The batch over the loop's scratch array that {@link #writeTo} reuses. */
    private OutboundBatch batch;
    /** Where written data frames in the loop's direct buffers go back to. */
    private final FrameBuffers frameBuffers;
    /** The loop's counters, or null. */
    private final LoopCounters counters;

    /**
     * @param frameBuffers the connection's loop's frame buffers, which written data frames
     *     are given back to (those from elsewhere are dropped)
     */
    OutboundQueue(FrameBuffers frameBuffers) {
        this(frameBuffers, null);
    }

    /**
     * @param frameBuffers as {@link #OutboundQueue(FrameBuffers)}
     * @param counters the loop's counters, which follow {@link #dataBytes()} in their
     *     {@code OUTBOUND_QUEUED} level; null for none
     */
    OutboundQueue(FrameBuffers frameBuffers, LoopCounters counters) {
        this.frameBuffers = frameBuffers;
        this.counters = counters;
    }

    /** Every change of {@link #dataBytes} goes through here, so the loop's level follows. */
    private void addDataBytes(long delta) {
        dataBytes += delta;
        if (counters != null && delta != 0) {
            counters.add(LoopCounters.OUTBOUND_QUEUED, delta);
        }
    }

    void addData(ByteBuffer frame) {
        if (!hasPending() && takenOut == 0) {
            data.addLast(frame);
            addDataBytes(frame.remaining());
        framesQueued++;
        } else {
            addMessage(PendingMessage.encoded(frame));
        }
    }

    /**
     * Queues the first bytes of the stream (an upgrade response) as a data frame that control
     * frames queued later do not overtake.
     *
     * @param bytes the bytes; the data queue must be empty
     */
    void addFirst(ByteBuffer bytes) {
        assert isEmpty() : "addFirst with frames queued";
        addData(bytes);
        barrier = bytes;
    }

    /**
     * Queues a message to compress later, at the tail of the data stream.
     *
     * @param message the message; its reservation is counted in {@link #dataBytes()}
     */
    void addMessage(PendingMessage message) {
        if (pending == null) {
            pending = new ArrayDeque<>();
        }
        pending.addLast(message);
        addDataBytes(message.reservation());
        framesQueued++;
    }

    /** @return true when messages wait to be compressed (not counting those taken out) */
    boolean hasPending() {
        return pending != null && !pending.isEmpty();
    }

    /**
     * Compresses every pending message into a data frame, in order. Only with the role and
     * with no batch taken out (its messages come first).
     *
     * @param deflater the connection's deflater
     * @throws IllegalStateException from the deflater (released); the messages already
     *     encoded stay queued as frames
     */
    void encodePending(MessageDeflater deflater) {
        assert takenOut == 0 : "a batch's taken messages must be encoded first";
        if (pending == null) {
            return;
        }
        PendingMessage m;
        while ((m = pending.peekFirst()) != null) {
            ByteBuffer frame = m.encode(deflater);
            pending.pollFirst();
            data.addLast(frame);
            addDataBytes(frame.remaining() - m.reservation());
        }
    }

    /**
     * After {@link #gather}, for a write without the role: moves pending messages into
     * {@code b}, as many as fit after its gathered frames (none when the batch is full: it
     * may have left data frames behind, which the messages must not overtake). Their
     * reservations stay counted until {@link #settle}.
     *
     * @param b the batch just gathered from this queue
     * @return the number of messages taken
     */
    int takePending(OutboundBatch b) {
        assert takenOut == 0 && b.takenCount == 0 : "one batch in flight at a time";
        // gather() stops only when the array is full, so room is left only when it took
        // every frame: then no taken message overtakes a data frame left behind
        int room = b.buffers.length - b.gathered;
        assert room == 0 || b.gathered == data.size() + control.size() : "gathered a part only";
        int n = 0;
        long reserved = 0;
        PendingMessage m;
        while (n < room && pending != null && (m = pending.pollFirst()) != null) {
            b.taken()[n++] = m;
            reserved += m.reservation();
        }
        b.takenCount = n;
        b.takenReserved = reserved;
        takenOut = n;
        return n;
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

    /** @return the data frames queued so far: the number of the last one queued */
    long framesQueued() {
        return framesQueued;
    }

    /**
     * @return the data frames written completely so far; frames finish in queue order, so
     *     frame number n is on the wire once this is at least n
     */
    long framesWritten() {
        return framesWritten;
    }

    /** @return true when nothing is queued, pending or taken out into a batch in flight */
    boolean isEmpty() {
        return data.isEmpty() && control.isEmpty() && !hasPending() && takenOut == 0;
    }

    /**
     * Writes as much as the channel takes, in wire order, with gathering writes. Pending
     * messages must have been encoded first ({@link #encodePending}).
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
        assert !hasPending() && takenOut == 0 : "pending messages are encoded before a write";
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
        if (barrier != null && barrier != dataHead) {
            barrier = null; // written
        }
        boolean dataHeadFirst = dataHead != null
                && (dataHead.position() > 0 || dataHead == barrier);
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
        b.gathered = n;
        b.encodedBefore = 0;
        b.dataBefore = dataBefore;
        b.controlBefore = controlBefore;
    }

    /**
     * Accounts a gathered batch after its write: counts what was written, drops finished
     * frames and clears the batch's references. The frames made from taken messages that
     * the write did not finish go to the tail of the data frames, still ahead of everything
     * queued meanwhile (see the order notes above), and the taken messages' reservations
     * give way to the real lengths of those frames.
     *
     * @param b a batch filled by {@link #gather} (and perhaps {@link #takePending}) from
     *     this queue
     */
    void settle(OutboundBatch b) {
        long dataAfter = 0;
        long controlAfter = 0;
        for (int i = 0; i < b.gathered; i++) {
            if (b.isData[i]) {
                dataAfter += b.buffers[i].remaining();
            } else {
                controlAfter += b.buffers[i].remaining();
            }
        }
        addDataBytes(-(b.dataBefore - dataAfter));
        controlBytes -= b.controlBefore - controlAfter;
        ByteBuffer head;
        while ((head = data.peekFirst()) != null && !head.hasRemaining()) {
            frameBuffers.give(data.pollFirst());
            framesWritten++;
        }
        dropFinished(control);
        if (b.takenCount != 0) {
            // All gathered data frames precede the new ones on the wire, so a new frame is
            // started only when they are finished: `data` then holds no gathered frame, and
            // a started new frame becomes its head, resumed before any control frame.
            long rest = 0;
            for (int i = b.gathered; i < b.count; i++) {
                ByteBuffer f = b.buffers[i];
                if (f.hasRemaining()) {
                    data.addLast(f);
                    rest += f.remaining();
                } else {
                    framesWritten++; // the frames before it were finished first
                }
            }
            addDataBytes(rest - b.takenReserved);
            takenOut = 0;
        }
        b.clear();
    }

    /**
     * Gives the loop back the buffers of every data frame still queued, when the connection
     * closed and nothing will write them (no batch in flight: its frames are in this queue
     * too, and would still be read).
     */
    void releaseFrames() {
        barrier = null;
        ByteBuffer frame;
        while ((frame = data.pollFirst()) != null) {
            frameBuffers.give(frame);
        }
        addDataBytes(-dataBytes);
    }

    private static void dropFinished(ArrayDeque<ByteBuffer> queue) {
        ByteBuffer head = queue.peekFirst();
        while (head != null && !head.hasRemaining()) {
            queue.pollFirst();
            head = queue.peekFirst();
        }
    }
}
