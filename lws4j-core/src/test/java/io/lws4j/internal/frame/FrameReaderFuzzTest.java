package io.lws4j.internal.frame;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Coverage-guided fuzzing of {@link FrameReader}. Without {@code JAZZER_FUZZ} set this runs
 * the seed corpus in {@code FrameReaderFuzzTestInputs} as a regression test; with
 * {@code JAZZER_FUZZ=1} it fuzzes for {@code maxDuration}.
 */
class FrameReaderFuzzTest {
    private static final int HEADER_AND_CONTROL_BUFFERS = 14 + 125;

    /**
     * Feeds arbitrary bytes split at fuzzer-chosen points and checks: only
     * {@link ProtocolException} with a defined close code comes out; every call consumes its
     * input; buffering never exceeds the limit; and the outcome (events and close code) is
     * the same as feeding the same bytes in one call.
     */
    @FuzzTest(maxDuration = "2m")
    void splitInputOnlyEverFailsWithProtocolException(FuzzedDataProvider data) {
        boolean requireMasked = data.consumeBoolean();
        int maxMessageSize = data.consumeInt(0, 1 << 16);
        int chunkCount = data.consumeInt(1, 16);
        int[] chunkSizes = new int[chunkCount];
        for (int i = 0; i < chunkCount; i++) {
            chunkSizes[i] = data.consumeInt(0, 512);
        }
        byte[] input = data.consumeRemainingAsBytes();

        RecordingSink chunkedSink = new RecordingSink();
        FrameReader chunked = new FrameReader(chunkedSink, maxMessageSize, requireMasked);
        int chunkedCode = 0;
        int offset = 0;
        for (int i = 0; offset < input.length; i++) {
            int size = i < chunkCount - 1 ? Math.min(chunkSizes[i], input.length - offset)
                                          : input.length - offset;
            ByteBuffer src = ByteBuffer.wrap(input, offset, size).asReadOnlyBuffer();
            offset += size;
            try {
                chunked.read(src);
            } catch (ProtocolException e) {
                chunkedCode = e.closeCode();
                break;
            }
            assertThat(src.hasRemaining()).isFalse();
            assertThat(chunked.bufferedCapacity())
                    .isLessThanOrEqualTo(maxMessageSize + HEADER_AND_CONTROL_BUFFERS);
        }
        assertThat(chunkedCode).isIn(0, 1002, 1007, 1009);

        RecordingSink wholeSink = new RecordingSink();
        int wholeCode = 0;
        try {
            new FrameReader(wholeSink, maxMessageSize, requireMasked).read(ByteBuffer.wrap(input));
        } catch (ProtocolException e) {
            wholeCode = e.closeCode();
        }
        assertThat(chunkedCode).isEqualTo(wholeCode);
        List<String> events = chunkedSink.events;
        assertThat(events).isEqualTo(wholeSink.events);
    }
}
