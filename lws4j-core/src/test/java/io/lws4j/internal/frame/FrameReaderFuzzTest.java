package io.lws4j.internal.frame;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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

    /**
     * Arbitrary messages, fragmented and masked at fuzzer-chosen points with control frames
     * in between, come out of a server reader exactly as they went in.
     */
    @FuzzTest(maxDuration = "1m")
    void maskedFragmentedMessagesRoundTripThroughTheReader(FuzzedDataProvider data)
            throws ProtocolException {
        List<byte[]> wire = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        int messages = data.consumeInt(0, 6);
        for (int m = 0; m < messages; m++) {
            boolean text = data.consumeBoolean();
            String string = text ? data.consumeString(300) : null;
            byte[] payload = text ? string.getBytes(StandardCharsets.UTF_8) : data.consumeBytes(300);
            int fragments = data.consumeInt(1, 4);
            int offset = 0;
            for (int f = 0; f < fragments; f++) {
                boolean last = f == fragments - 1;
                int size = last ? payload.length - offset
                                : data.consumeInt(0, payload.length - offset);
                byte[] part = java.util.Arrays.copyOfRange(payload, offset, offset + size);
                offset += size;
                int opcode = f > 0 ? FrameWriter.OP_CONTINUATION
                                   : text ? FrameWriter.OP_TEXT : FrameWriter.OP_BINARY;
                wire.add(Wire.masked(opcode, last, part, data.consumeInt()));
                if (!last && data.consumeBoolean()) {
                    byte[] ping = data.consumeBytes(125);
                    wire.add(Wire.masked(FrameWriter.OP_PING, true, ping, data.consumeInt()));
                    expected.add("ping:" + RecordingSink.hex(ByteBuffer.wrap(ping)));
                }
            }
            expected.add(text ? "text:" + new String(payload, StandardCharsets.UTF_8)
                              : "binary:" + RecordingSink.summary(ByteBuffer.wrap(payload)));
        }
        byte[] all = Wire.concat(wire.toArray(new byte[0][]));
        RecordingSink sink = new RecordingSink();
        FrameReader reader = new FrameReader(sink, 2000, true);
        int split = data.consumeInt(0, all.length);
        reader.read(ByteBuffer.wrap(all, 0, split));
        reader.read(ByteBuffer.wrap(all, split, all.length - split));
        assertThat(sink.events).isEqualTo(expected);
    }

    /** The validator, fed in fuzzer-chosen chunks, agrees with the JDK's strict decoder. */
    @FuzzTest(maxDuration = "1m")
    void utf8ValidatorAgreesWithTheJdkDecoder(FuzzedDataProvider data) {
        int split = data.consumeInt(0, 64);
        byte[] bytes = data.consumeRemainingAsBytes();
        int cut = Math.min(split, bytes.length);
        Utf8Validator validator = new Utf8Validator();
        boolean valid = validator.feed(bytes, 0, cut)
                && validator.feed(ByteBuffer.wrap(bytes), cut, bytes.length)
                && validator.isComplete();
        assertThat(valid).isEqualTo(jdkAccepts(bytes));
        assertThat(Utf8Validator.isValid(bytes, 0, bytes.length)).isEqualTo(valid);
    }

    private static boolean jdkAccepts(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
