package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
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

    private final OutboundQueue queue = new OutboundQueue();
    private final ThrottledChannel channel = new ThrottledChannel();
    private final ByteBuffer[] scratch = new ByteBuffer[4];

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
}
