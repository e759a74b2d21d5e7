package io.lws4j.internal.frame;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lws4j.internal.deflate.MessageDeflater;
import io.lws4j.internal.deflate.MessageInflater;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Coverage-guided fuzzing of {@link FrameReader} with a permessage-deflate inflater. Without
 * {@code JAZZER_FUZZ} set each target runs once on the empty input and the seeds in
 * {@code CompressedFrameReaderFuzzTestInputs}, if any; with {@code JAZZER_FUZZ=1} it fuzzes.
 */
class CompressedFrameReaderFuzzTest {
    private static final int FIXED_BUFFERS = 14 + 125 + 8192;

    /**
     * Arbitrary bytes split at fuzzer-chosen points: only 1002, 1007 or 1009 come out, every
     * call consumes its input, buffering stays within the limit, and the outcome equals
     * feeding the bytes at once (except 1007 against 1009 for a stream both corrupt and too
     * long, see below).
     */
    @FuzzTest(maxDuration = "2m")
    void arbitraryCompressedInputOnlyEverFailsWithProtocolException(FuzzedDataProvider data) {
        int maxMessageSize = data.consumeInt(0, 1 << 16);
        boolean resetPerMessage = data.consumeBoolean();
        int chunk = data.consumeInt(1, 600);
        byte[] input = data.consumeRemainingAsBytes();

        RecordingSink chunkedSink = new RecordingSink();
        MessageInflater chunkedInflater = new MessageInflater(resetPerMessage);
        FrameReader chunked = new FrameReader(chunkedSink, maxMessageSize, true, chunkedInflater);
        int chunkedCode = 0;
        for (int offset = 0; offset < input.length; offset += chunk) {
            ByteBuffer src = ByteBuffer.wrap(input, offset, Math.min(chunk, input.length - offset))
                    .asReadOnlyBuffer();
            try {
                chunked.read(src);
            } catch (ProtocolException e) {
                chunkedCode = e.closeCode();
                break;
            }
            assertThat(src.hasRemaining()).isFalse();
            assertThat(chunked.bufferedCapacity()).isLessThanOrEqualTo(maxMessageSize + FIXED_BUFFERS);
        }
        chunkedInflater.release();
        assertThat(chunkedCode).isIn(0, 1002, 1007, 1009);

        RecordingSink wholeSink = new RecordingSink();
        MessageInflater wholeInflater = new MessageInflater(resetPerMessage);
        int wholeCode = 0;
        try {
            new FrameReader(wholeSink, maxMessageSize, true, wholeInflater).read(ByteBuffer.wrap(input));
        } catch (ProtocolException e) {
            wholeCode = e.closeCode();
        }
        wholeInflater.release();
        if (chunkedCode != wholeCode) {
            // zlib reports a corrupt stream as soon as it sees the bad code, so how the input
            // was split decides whether a message that is both corrupt and too long fails
            // first on its size or on its data; nothing else may depend on the split
            assertThat(List.of(chunkedCode, wholeCode)).containsExactlyInAnyOrder(1007, 1009);
        }
        assertThat(chunkedSink.events).isEqualTo(wholeSink.events);
    }

    /**
     * Messages compressed by the client-role deflater (masked, shared window or reset),
     * refragmented at fuzzer-chosen points with pings between, come out exactly as they went in.
     */
    @FuzzTest(maxDuration = "1m")
    void compressedMessagesRoundTripThroughTheReader(FuzzedDataProvider data) throws ProtocolException {
        boolean reset = data.consumeBoolean();
        MessageDeflater deflater = new MessageDeflater(reset, data.consumeInt(0, 100));
        MessageInflater inflater = new MessageInflater(reset);
        List<byte[]> wire = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        int messages = data.consumeInt(0, 6);
        for (int m = 0; m < messages; m++) {
            boolean text = data.consumeBoolean();
            String string = text ? data.consumeString(400) : null;
            byte[] payload = text ? string.getBytes(StandardCharsets.UTF_8) : data.consumeBytes(400);
            int opcode = text ? FrameWriter.OP_TEXT : FrameWriter.OP_BINARY;
            ByteBuffer frame = deflater.encode(opcode, ByteBuffer.wrap(payload), false, 0);
            boolean rsv1 = (frame.get(0) & 0x40) != 0;
            byte[] body = CompressedFrames.payload(frame);
            int fragments = data.consumeInt(1, 4);
            int offset = 0;
            for (int f = 0; f < fragments; f++) {
                boolean last = f == fragments - 1;
                int size = last ? body.length - offset : data.consumeInt(0, body.length - offset);
                byte[] part = Arrays.copyOfRange(body, offset, offset + size);
                offset += size;
                byte[] masked = Wire.masked(f > 0 ? FrameWriter.OP_CONTINUATION : opcode, last, part,
                        data.consumeInt());
                if (f == 0 && rsv1) {
                    masked[0] |= 0x40;
                }
                wire.add(masked);
                if (!last && data.consumeBoolean()) {
                    wire.add(Wire.masked(FrameWriter.OP_PING, true, new byte[] {1}, data.consumeInt()));
                    expected.add("ping:01");
                }
            }
            expected.add(text ? "text:" + new String(payload, StandardCharsets.UTF_8)
                              : "binary:" + RecordingSink.summary(ByteBuffer.wrap(payload)));
        }
        byte[] all = Wire.concat(wire.toArray(new byte[0][]));
        RecordingSink sink = new RecordingSink();
        FrameReader reader = new FrameReader(sink, 4000, true, inflater);
        int split = data.consumeInt(0, all.length);
        reader.read(ByteBuffer.wrap(all, 0, split));
        reader.read(ByteBuffer.wrap(all, split, all.length - split));
        deflater.release();
        inflater.release();
        assertThat(sink.events).isEqualTo(expected);
    }
}
