package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.internal.deflate.MessageDeflater;
import io.lws4j.internal.frame.FrameWriter;
import io.lws4j.internal.loop.FrameBuffers;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutboundQueueTest {

    /** A channel that takes at most {@code budget} bytes, then reports a full socket. */
    static final class ThrottledChannel implements GatheringByteChannel {
        final ByteArrayOutputStream taken = new ByteArrayOutputStream();
        int budget;

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            long total = 0;
            for (int i = offset; i < offset + length && budget > 0; i++) {
                while (srcs[i].hasRemaining() && budget > 0) {
                    taken.write(srcs[i].get());
                    budget--;
                    total++;
                }
            }
            return total;
        }

        @Override
        public long write(ByteBuffer[] srcs) {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public int write(ByteBuffer src) {
            return (int) write(new ByteBuffer[] {src});
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private static ByteBuffer frame(char c, int n) {
        return ByteBuffer.wrap(String.valueOf(c).repeat(n).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private final OutboundQueue queue = new OutboundQueue(new FrameBuffers(4, 4, () -> true));
    private final ThrottledChannel channel = new ThrottledChannel();
    private final ByteBuffer[] scratch = new ByteBuffer[4];

    @Test
    void aDirectFrameGoesBackToTheLoopsBuffersOnlyOnceWhollyWritten() throws Exception {
        FrameBuffers buffers = new FrameBuffers(1, 0, () -> true);
        OutboundQueue q = new OutboundQueue(buffers);
        ByteBuffer frame = buffers.take(10).put("0123456789".getBytes(StandardCharsets.US_ASCII)).flip();
        q.addData(frame);
        channel.budget = 4;
        q.writeTo(channel, scratch);
        assertThat(buffers.inUse()).as("partly written: still queued").isEqualTo(1);
        channel.budget = 1000;
        q.writeTo(channel, scratch);
        assertThat(channel.taken.toString()).isEqualTo("0123456789");
        assertThat(buffers.inUse()).isZero();
        assertThat(buffers.take(10)).isSameAs(frame);
    }

    @Test
    void releaseFramesGivesBackTheDirectFramesLeftWhenTheConnectionCloses() throws Exception {
        FrameBuffers buffers = new FrameBuffers(2, 0, () -> true);
        OutboundQueue q = new OutboundQueue(buffers);
        q.addData(buffers.take(10).put(new byte[10]).flip());
        q.addData(frame('h', 5)); // a heap frame, left to the collector
        q.addData(buffers.take(10).put(new byte[10]).flip());
        channel.budget = 3;
        q.writeTo(channel, scratch);
        assertThat(buffers.inUse()).isEqualTo(2);
        q.releaseFrames();
        assertThat(buffers.inUse()).isZero();
        assertThat(q.dataBytes()).isZero();
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void controlFrameJumpsAheadOfUnstartedDataButNeverSplitsAStartedFrame() throws Exception {
        queue.addData(frame('a', 10));
        queue.addData(frame('b', 10));
        channel.budget = 4;
        assertThat(queue.writeTo(channel, scratch)).isEqualTo(4); // 'a' frame is now started
        queue.addControl(frame('P', 3));
        channel.budget = 1000;
        queue.writeTo(channel, scratch);
        assertThat(channel.taken.toString()).isEqualTo("aaaaaaaaaaPPPbbbbbbbbbb");
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.dataBytes()).isZero();
        assertThat(queue.controlBytes()).isZero();
    }

    @Test
    void controlFramesGoFirstWhenNoDataFrameIsStarted() throws Exception {
        queue.addData(frame('a', 5));
        queue.addControl(frame('P', 2));
        queue.addControl(frame('Q', 2));
        channel.budget = 3; // stops inside the 'Q' control frame
        queue.writeTo(channel, scratch);
        assertThat(queue.controlBytes()).isEqualTo(1);
        assertThat(queue.dataBytes()).isEqualTo(5);
        queue.addControl(frame('R', 2));
        channel.budget = 1000;
        queue.writeTo(channel, scratch);
        assertThat(channel.taken.toString()).isEqualTo("PPQQRRaaaaa");
    }

    @Test
    void countsStayExactAcrossManyPartialWritesAndMoreFramesThanTheScratchArray() throws Exception {
        long expected = 0;
        for (int i = 0; i < 20; i++) {
            queue.addData(frame((char) ('a' + i), i + 1));
            expected += i + 1;
        }
        assertThat(queue.dataBytes()).isEqualTo(expected);
        while (!queue.isEmpty()) {
            channel.budget = 7;
            long written = queue.writeTo(channel, scratch);
            expected -= written;
            assertThat(queue.dataBytes()).isEqualTo(expected);
        }
        assertThat(expected).isZero();
        StringBuilder wire = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            wire.append(String.valueOf((char) ('a' + i)).repeat(i + 1));
        }
        assertThat(channel.taken.toString()).isEqualTo(wire.toString());
    }

    // ------------------------------------------------ pending messages (permessage-deflate)

    /**
     * A deflater that sends every message raw (nothing reaches its threshold), so a pending
     * message's frame is predictable: 0x82, the length, the payload.
     */
    private final MessageDeflater rawDeflater = new MessageDeflater(true, Integer.MAX_VALUE);

    @AfterEach
    void releaseDeflater() {
        rawDeflater.release();
    }

    private static PendingMessage message(char c, int n) {
        return PendingMessage.uncompressed(FrameWriter.OP_BINARY, frame(c, n), false, false, 0);
    }

    /** What {@link #rawDeflater} makes of {@code message(c, n)}, as ISO-8859-1 text. */
    private static String raw(char c, int n) {
        return "\u0082" + (char) n + String.valueOf(c).repeat(n);
    }

    private String wire() {
        return channel.taken.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void pendingMessagesFollowTheEncodedDataAndAFrameQueuedBehindThemStaysBehind() throws Exception {
        queue.addData(frame('a', 3));
        queue.addMessage(message('m', 4));
        queue.addControl(frame('P', 2));
        queue.addData(frame('z', 2)); // a close frame, say: it must not overtake 'm'
        queue.addMessage(message('n', 2));
        assertThat(queue.hasPending()).isTrue();
        queue.encodePending(rawDeflater);
        assertThat(queue.hasPending()).isFalse();
        channel.budget = 1000;
        queue.writeTo(channel, scratch);
        assertThat(wire()).as("the control frame jumps ahead of unstarted data only")
                .isEqualTo("PP" + "aaa" + raw('m', 4) + "zz" + raw('n', 2));
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.dataBytes()).isZero();
        assertThat(queue.controlBytes()).isZero();
    }

    @Test
    void dataBytesCountAMessagesReservationUntilItIsEncodedThenItsFrameLength() {
        queue.addData(frame('a', 10));
        queue.addMessage(message('m', 100));
        long reservation = MessageDeflater.maxFrameLength(100);
        assertThat(reservation).isGreaterThan(102);
        assertThat(queue.dataBytes()).isEqualTo(10 + reservation);
        queue.encodePending(rawDeflater);
        assertThat(queue.dataBytes()).isEqualTo(10 + 102);
    }

    /**
     * A batch for a write without the role: a control frame and a data frame gathered, two
     * messages taken and encoded into it; meanwhile a message, a frame behind it and a
     * control frame are queued. For every point where the write may stop, the unwritten
     * rest goes out before what was queued meanwhile (except that the control frame may
     * jump ahead at a frame boundary, never inside a frame) and the counts end at zero.
     */
    @Test
    void theUnwrittenRestOfABatchsNewFramesGoesAheadOfEverythingQueuedMeanwhile_forEveryCut()
            throws Exception {
        List<String> batchFrames = List.of("CC", "aaa", raw('m', 10), raw('n', 10));
        int total = batchFrames.stream().mapToInt(String::length).sum();
        for (int cut = 0; cut <= total; cut++) {
            OutboundQueue q = new OutboundQueue(new FrameBuffers(4, 4, () -> true));
            ThrottledChannel ch = new ThrottledChannel();
            OutboundBatch batch = new OutboundBatch(new ByteBuffer[8]);
            q.addControl(frame('C', 2));
            q.addData(frame('a', 3));
            q.addMessage(message('m', 10));
            q.addMessage(message('n', 10));
            long reserved10 = MessageDeflater.maxFrameLength(10);

            q.gather(batch);
            assertThat(q.takePending(batch)).isEqualTo(2);
            assertThat(q.hasPending()).isFalse();
            // queued while the batch is in flight
            q.addMessage(message('o', 5));
            q.addData(frame('z', 2));
            q.addControl(frame('P', 2));
            assertThat(q.isEmpty()).isFalse();
            long meanwhile = MessageDeflater.maxFrameLength(5) + 2;
            assertThat(q.dataBytes()).isEqualTo(3 + 2 * reserved10 + meanwhile);

            batch.encodeTaken(rawDeflater);
            assertThat(batch.bytesBefore()).isEqualTo(total);
            ch.budget = cut;
            long written = ch.write(batch.buffers, 0, batch.count);
            q.settle(batch);
            assertThat(batch.bytesBefore()).as("what the completion compares the write with")
                    .isEqualTo(total);
            long dataWritten = Math.max(0, written - 2);
            assertThat(q.dataBytes()).as("cut %d", cut).isEqualTo(3 + 24 - dataWritten + meanwhile);
            assertThat(q.controlBytes()).as("cut %d", cut).isEqualTo(2 - Math.min(2, written) + 2);

            q.encodePending(rawDeflater);
            ch.budget = 1000;
            q.writeTo(ch, scratch);
            assertThat(ch.taken.toString(StandardCharsets.ISO_8859_1)).as("cut %d", cut)
                    .isEqualTo(expectedWire(batchFrames, cut, "PP", raw('o', 5) + "zz"));
            assertThat(q.isEmpty()).isTrue();
            assertThat(q.dataBytes()).isZero();
            assertThat(q.controlBytes()).isZero();
        }
    }

    /**
     * The batch's control frame (first on the wire, and ahead of the later control frame in
     * its queue), the batch's data frames up to the cut plus the rest of a frame the cut is
     * inside, then the control frame queued meanwhile, then the batch's untouched data
     * frames, then the data queued meanwhile.
     */
    private static String expectedWire(List<String> batchFrames, int cut, String control,
            String laterData) {
        StringBuilder wire = new StringBuilder(batchFrames.get(0));
        int offset = batchFrames.get(0).length();
        List<String> untouched = new ArrayList<>();
        for (String f : batchFrames.subList(1, batchFrames.size())) {
            if (offset < cut) {
                wire.append(f); // written, or started and finished first
            } else {
                untouched.add(f);
            }
            offset += f.length();
        }
        wire.append(control);
        untouched.forEach(wire::append);
        return wire.append(laterData).toString();
    }

    @Test
    void noMessageIsTakenWhenTheBatchIsFull_forItMayHaveLeftDataFramesBehind() throws Exception {
        OutboundBatch batch = new OutboundBatch(new ByteBuffer[2]);
        queue.addData(frame('a', 2));
        queue.addData(frame('b', 2));
        queue.addData(frame('c', 2));
        queue.addMessage(message('m', 3));
        queue.gather(batch);
        assertThat(queue.takePending(batch)).as("'m' would overtake 'c'").isZero();
        channel.budget = 1000;
        channel.write(batch.buffers, 0, batch.count);
        queue.settle(batch);
        queue.encodePending(rawDeflater);
        queue.writeTo(channel, scratch);
        assertThat(wire()).isEqualTo("aabbcc" + raw('m', 3));
        assertThat(queue.dataBytes()).isZero();
    }

    @Test
    void aBatchTakesOnlyTheMessagesItHasRoomForAndTheOthersFollowInOrder() throws Exception {
        OutboundBatch batch = new OutboundBatch(new ByteBuffer[3]);
        queue.addData(frame('a', 2));
        for (char c = 'm'; c <= 'q'; c++) {
            queue.addMessage(message(c, 3));
        }
        queue.gather(batch);
        assertThat(queue.takePending(batch)).isEqualTo(2);
        batch.encodeTaken(rawDeflater);
        channel.budget = 1000;
        channel.write(batch.buffers, 0, batch.count);
        queue.settle(batch);
        assertThat(queue.dataBytes()).isEqualTo(3 * MessageDeflater.maxFrameLength(3));
        queue.encodePending(rawDeflater);
        queue.writeTo(channel, scratch);
        assertThat(wire()).isEqualTo("aa" + raw('m', 3) + raw('n', 3) + raw('o', 3)
                + raw('p', 3) + raw('q', 3));
        assertThat(queue.dataBytes()).isZero();
    }
}
