package io.lws4j.internal.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.internal.deflate.MessageDeflater;
import io.lws4j.internal.deflate.MessageInflater;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Randomised (fixed seeds) round trips: messages compressed by the client-role deflater,
 * refragmented at random points and fed in random chunks, come out of a server reader intact,
 * with and without context takeover.
 */
class CompressedRoundTripTest {

    @Test
    void shouldRoundTripRandomCompressedMessagesInRandomFragmentsAndChunks() throws ProtocolException {
        for (int seed = 0; seed < 40; seed++) {
            Random random = new Random(seed);
            boolean reset = random.nextBoolean();
            MessageDeflater deflater = new MessageDeflater(reset, random.nextInt(80));
            MessageInflater inflater = new MessageInflater(reset);
            List<byte[]> wire = new ArrayList<>();
            List<String> expected = new ArrayList<>();
            for (int m = 0; m < 12; m++) {
                byte[] payload = new byte[random.nextInt(20_000)];
                int alphabet = 1 + random.nextInt(255);
                for (int i = 0; i < payload.length; i++) {
                    payload[i] = (byte) random.nextInt(alphabet);
                }
                ByteBuffer frame = deflater.encode(FrameWriter.OP_BINARY, ByteBuffer.wrap(payload), false, 0);
                boolean rsv1 = (frame.get(0) & 0x40) != 0;
                byte[] body = CompressedFrames.payload(frame);
                int offset = 0;
                int fragments = 1 + random.nextInt(4);
                for (int f = 0; f < fragments; f++) {
                    boolean last = f == fragments - 1;
                    int size = last ? body.length - offset : random.nextInt(body.length - offset + 1);
                    byte[] masked = Wire.masked(f == 0 ? FrameWriter.OP_BINARY : FrameWriter.OP_CONTINUATION,
                            last, Arrays.copyOfRange(body, offset, offset + size), random.nextInt());
                    offset += size;
                    if (f == 0 && rsv1) {
                        masked[0] |= 0x40;
                    }
                    wire.add(masked);
                }
                expected.add("binary:" + RecordingSink.summary(ByteBuffer.wrap(payload)));
            }
            byte[] all = Wire.concat(wire.toArray(new byte[0][]));
            RecordingSink sink = new RecordingSink();
            FrameReader reader = new FrameReader(sink, 32_000, true, inflater);
            for (int off = 0; off < all.length; ) {
                int n = Math.min(all.length - off, 1 + random.nextInt(20_000));
                reader.read(ByteBuffer.wrap(all, off, n));
                off += n;
            }
            deflater.release();
            inflater.release();
            assertThat(sink.events).as("seed %d", seed).isEqualTo(expected);
        }
    }
}
