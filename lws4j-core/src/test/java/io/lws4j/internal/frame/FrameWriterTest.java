package io.lws4j.internal.frame;

import static io.lws4j.internal.frame.Wire.bytes;
import static io.lws4j.internal.frame.Wire.hex;
import static io.lws4j.internal.frame.Wire.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameWriterTest {
    private static final int RFC_MASK_KEY = 0x37FA213D;

    @Test
    void unmaskedSingleFrameTextMatchesRfcExample() {
        assertThat(bytes(FrameWriter.encodeText("Hello"))).isEqualTo(hex("81 05 48 65 6c 6c 6f"));
        assertThat(bytes(FrameWriter.encode(FrameWriter.OP_TEXT, ByteBuffer.wrap(utf8("Hello")))))
                .isEqualTo(hex("81 05 48 65 6c 6c 6f"));
    }

    @Test
    void maskedSingleFrameTextMatchesRfcExample() {
        ByteBuffer frame = FrameWriter.encodeMasked(FrameWriter.OP_TEXT, true,
                ByteBuffer.wrap(utf8("Hello")), RFC_MASK_KEY);
        assertThat(bytes(frame)).isEqualTo(hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"));
    }

    @Test
    void fragmentedUnmaskedTextMatchesRfcExample() {
        ByteBuffer first = ByteBuffer.allocate(5);
        FrameWriter.writeHeader(first, false, FrameWriter.OP_TEXT, 3, false, 0);
        first.put(utf8("Hel"));
        ByteBuffer second = ByteBuffer.allocate(4);
        FrameWriter.writeHeader(second, true, FrameWriter.OP_CONTINUATION, 2, false, 0);
        second.put(utf8("lo"));
        assertThat(first.array()).isEqualTo(hex("01 03 48 65 6c"));
        assertThat(second.array()).isEqualTo(hex("80 02 6c 6f"));
    }

    @Test
    void unmaskedPingAndMaskedPongMatchRfcExamples() {
        assertThat(bytes(FrameWriter.encode(FrameWriter.OP_PING, ByteBuffer.wrap(utf8("Hello")))))
                .isEqualTo(hex("89 05 48 65 6c 6c 6f"));
        assertThat(bytes(FrameWriter.encodeMasked(FrameWriter.OP_PONG, true,
                ByteBuffer.wrap(utf8("Hello")), RFC_MASK_KEY)))
                .isEqualTo(hex("8a 85 37 fa 21 3d 7f 9f 4d 51 58"));
    }

    @Test
    void binary256BytesUsesSixteenBitLengthAsInRfcExample() {
        byte[] payload = new byte[256];
        new Random(1).nextBytes(payload);
        byte[] frame = bytes(FrameWriter.encode(FrameWriter.OP_BINARY, ByteBuffer.wrap(payload)));
        assertThat(frame).hasSize(4 + 256);
        assertThat(java.util.Arrays.copyOf(frame, 4)).isEqualTo(hex("82 7E 01 00"));
        assertThat(java.util.Arrays.copyOfRange(frame, 4, frame.length)).isEqualTo(payload);
    }

    @Test
    void binary64KibUsesSixtyFourBitLengthAsInRfcExample() {
        byte[] payload = new byte[65536];
        new Random(2).nextBytes(payload);
        byte[] frame = bytes(FrameWriter.encode(FrameWriter.OP_BINARY, ByteBuffer.wrap(payload)));
        assertThat(frame).hasSize(10 + 65536);
        assertThat(java.util.Arrays.copyOf(frame, 10))
                .isEqualTo(hex("82 7F 00 00 00 00 00 01 00 00"));
        assertThat(java.util.Arrays.copyOfRange(frame, 10, frame.length)).isEqualTo(payload);
    }

    @Test
    void headerLengthSwitchesFormsAtTheRfcBoundaries() {
        assertThat(FrameWriter.headerLength(0, false)).isEqualTo(2);
        assertThat(FrameWriter.headerLength(125, false)).isEqualTo(2);
        assertThat(FrameWriter.headerLength(126, false)).isEqualTo(4);
        assertThat(FrameWriter.headerLength(65535, false)).isEqualTo(4);
        assertThat(FrameWriter.headerLength(65536, false)).isEqualTo(10);
        assertThat(FrameWriter.headerLength(Long.MAX_VALUE, false)).isEqualTo(10);
        assertThat(FrameWriter.headerLength(125, true)).isEqualTo(6);
        assertThat(FrameWriter.headerLength(126, true)).isEqualTo(8);
        assertThat(FrameWriter.headerLength(65536, true)).isEqualTo(14);
    }

    @Test
    void writeHeaderWritesEachLengthFormAndAdvancesExactlyHeaderLength() {
        long[] lengths = {0, 125, 126, 65535, 65536, Long.MAX_VALUE};
        String[] expected = {"8200", "827d", "827e007e", "827effff", "827f0000000000010000",
                             "827f7fffffffffffffff"};
        for (int i = 0; i < lengths.length; i++) {
            ByteBuffer dst = ByteBuffer.allocate(14);
            FrameWriter.writeHeader(dst, true, FrameWriter.OP_BINARY, lengths[i], false, 0);
            assertThat(dst.position()).isEqualTo(FrameWriter.headerLength(lengths[i], false));
            assertThat(RecordingSink.hex(dst.flip())).isEqualTo(expected[i]);
        }
        ByteBuffer dst = ByteBuffer.allocate(14);
        FrameWriter.writeHeader(dst, false, FrameWriter.OP_TEXT, 300, true, 0x01020304);
        assertThat(RecordingSink.hex(dst.flip())).isEqualTo("01fe012c01020304");
    }

    @Test
    void encodeLeavesPayloadPositionUntouchedAndCopiesOnlyRemaining() {
        ByteBuffer payload = ByteBuffer.wrap(utf8("xxHelloyy"));
        payload.position(2).limit(7);
        ByteBuffer frame = FrameWriter.encode(FrameWriter.OP_BINARY, payload);
        assertThat(payload.position()).isEqualTo(2);
        assertThat(payload.limit()).isEqualTo(7);
        assertThat(frame.position()).isZero();
        assertThat(bytes(frame)).isEqualTo(hex("82 05 48 65 6c 6c 6f"));
    }

    @Test
    void encodeMaskedDoesNotModifyThePayload() {
        byte[] payload = utf8("Hello");
        FrameWriter.encodeMasked(FrameWriter.OP_BINARY, true, ByteBuffer.wrap(payload), 0x12345678);
        assertThat(payload).isEqualTo(utf8("Hello"));
    }

    @Test
    void controlFramesOverOneHundredTwentyFiveBytesAreRefused() {
        assertThatThrownBy(() -> FrameWriter.encode(FrameWriter.OP_PING, ByteBuffer.allocate(126)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(FrameWriter.encode(FrameWriter.OP_PING, ByteBuffer.allocate(125)).remaining())
                .isEqualTo(127);
    }

    @Test
    void encodeTextMatchesGetBytesForRandomStringsIncludingUnpairedSurrogates() {
        Random random = new Random(42);
        char[] alphabet = {'a', 'Z', '~', '\u00e9', '\u07ff', '\u0800', '\u20ac', '\uffff',
                           '\ud83d', '\ude00', '\ud800', '\udfff', '\u0000'};
        for (int round = 0; round < 2000; round++) {
            int length = random.nextInt(round < 1000 ? 12 : 400);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < length; i++) {
                sb.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String text = sb.toString();
            byte[] expectedPayload = text.getBytes(StandardCharsets.UTF_8);
            ByteBuffer frame = FrameWriter.encodeText(text);
            ByteBuffer header = ByteBuffer.allocate(14);
            FrameWriter.writeHeader(header, true, FrameWriter.OP_TEXT, expectedPayload.length,
                    false, 0);
            assertThat(bytes(frame)).isEqualTo(Wire.concat(bytes(header.flip()), expectedPayload));
        }
    }

    @Test
    void encodeTextHandlesLongTextWithSixteenAndSixtyFourBitLengths() {
        String text = "\u20ac".repeat(30000);
        byte[] frame = bytes(FrameWriter.encodeText(text));
        assertThat(frame).hasSize(10 + 90000);
        assertThat(new String(frame, 10, 90000, StandardCharsets.UTF_8)).isEqualTo(text);
    }

    @Test
    void encodeCloseWritesCodeAndReason() {
        assertThat(bytes(FrameWriter.encodeClose(1000, "bye")))
                .isEqualTo(hex("88 05 03 e8 62 79 65"));
        assertThat(bytes(FrameWriter.encodeClose(1001, null))).isEqualTo(hex("88 02 03 e9"));
    }

    @Test
    void encodeCloseWithNoStatusCodesHasNoPayload() {
        assertThat(bytes(FrameWriter.encodeClose(1005, "ignored"))).isEqualTo(hex("88 00"));
        assertThat(bytes(FrameWriter.encodeClose(1006, "ignored"))).isEqualTo(hex("88 00"));
        assertThat(bytes(FrameWriter.encodeClose(0, null))).isEqualTo(hex("88 00"));
    }

    @Test
    void encodeCloseCutsReasonTo123BytesAtACodePointBoundary() {
        // 122 ASCII bytes, then a 3-byte euro sign that would end at byte 125: it must go.
        String reason = "a".repeat(122) + "\u20ac" + "tail";
        byte[] frame = bytes(FrameWriter.encodeClose(1000, reason));
        assertThat(frame[1]).isEqualTo((byte) (2 + 122));
        assertThat(new String(frame, 4, frame.length - 4, StandardCharsets.UTF_8))
                .isEqualTo("a".repeat(122));

        // A surrogate pair (4 bytes) must not be split either.
        String emoji = "b".repeat(120) + "\ud83d\ude00";
        frame = bytes(FrameWriter.encodeClose(1000, emoji));
        assertThat(frame.length - 4).isEqualTo(120);

        // Exactly 123 bytes fits whole.
        String exact = "c".repeat(120) + "\u20ac";
        frame = bytes(FrameWriter.encodeClose(4000, exact));
        assertThat(frame[1]).isEqualTo((byte) 125);
        assertThat(new String(frame, 4, 123, StandardCharsets.UTF_8)).isEqualTo(exact);
    }

    @Test
    void encodedCloseFrameRoundTripsThroughAClientReader() throws Exception {
        RecordingSink sink = new RecordingSink();
        new FrameReader(sink, 1024, false).read(FrameWriter.encodeClose(3000, "\u00e9t\u00e9"));
        assertThat(sink.events).containsExactly("close:3000:\u00e9t\u00e9");
    }
}
