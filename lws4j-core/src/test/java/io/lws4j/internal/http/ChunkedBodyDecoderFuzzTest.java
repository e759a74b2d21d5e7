package io.lws4j.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

/**
 * Coverage-guided fuzzing of the chunked request body decoder. Without {@code JAZZER_FUZZ}
 * set it replays its seed corpus
 * (src/test/resources/io/lws4j/internal/http/ChunkedBodyDecoderFuzzTestInputs).
 */
class ChunkedBodyDecoderFuzzTest {

    /**
     * Any bytes, fed in pieces of any size, decode within the bounds or are refused with 400,
     * 413 or 431; a complete body takes no byte past its end, and never exceeds the bound.
     */
    @FuzzTest(maxDuration = "1m")
    void anyBytesDecodeWithinTheBoundsOrAreRefused(FuzzedDataProvider data) {
        int maxBody = data.consumeInt(0, 64);
        int maxTrailer = data.consumeInt(1, 64);
        int piece = data.consumeInt(1, 16);
        byte[] wire = data.consumeRemainingAsBytes();
        ChunkedBodyDecoder d = new ChunkedBodyDecoder(maxBody, maxTrailer);
        int offset = 0;
        try {
            while (offset < wire.length) {
                int n = Math.min(piece, wire.length - offset);
                ByteBuffer buf = ByteBuffer.wrap(wire, offset, n);
                boolean done = d.feed(buf);
                offset += n - buf.remaining();
                if (done) {
                    assertThat(d.body().length).isLessThanOrEqualTo(maxBody);
                    assertThat(offset).isLessThanOrEqualTo(wire.length);
                    return;
                }
                assertThat(buf.hasRemaining()).as("an unfinished body takes every byte").isFalse();
            }
        } catch (HttpException e) {
            assertThat(e.status()).isIn(400, 413, 431);
        }
    }
}
