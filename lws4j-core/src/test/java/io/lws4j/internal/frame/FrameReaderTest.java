package io.lws4j.internal.frame;

import static io.lws4j.internal.frame.FrameWriter.OP_BINARY;
import static io.lws4j.internal.frame.FrameWriter.OP_CLOSE;
import static io.lws4j.internal.frame.FrameWriter.OP_CONTINUATION;
import static io.lws4j.internal.frame.FrameWriter.OP_PING;
import static io.lws4j.internal.frame.FrameWriter.OP_PONG;
import static io.lws4j.internal.frame.FrameWriter.OP_TEXT;
import static io.lws4j.internal.frame.Wire.concat;
import static io.lws4j.internal.frame.Wire.hex;
import static io.lws4j.internal.frame.Wire.masked;
import static io.lws4j.internal.frame.Wire.maskedClose;
import static io.lws4j.internal.frame.Wire.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameReaderTest {
    private static final int MAX = 1 << 20;

    private static List<String> serverReads(byte[]... chunks) throws ProtocolException {
        RecordingSink sink = new RecordingSink();
        FrameReader reader = new FrameReader(sink, MAX, true);
        for (byte[] chunk : chunks) {
            ByteBuffer src = ByteBuffer.wrap(chunk).asReadOnlyBuffer();
            reader.read(src);
            assertThat(src.hasRemaining()).isFalse();
        }
        return sink.events;
    }

    private static int serverCloseCode(byte[]... chunks) {
        return catchThrowableOfType(ProtocolException.class, () -> serverReads(chunks)).closeCode();
    }

    private static int clientCloseCode(byte[] bytes) {
        FrameReader reader = new FrameReader(new RecordingSink(), MAX, false);
        return catchThrowableOfType(ProtocolException.class,
                () -> reader.read(ByteBuffer.wrap(bytes))).closeCode();
    }

    // ---- RFC 6455 section 5.7 examples ----

    @Test
    void clientReadsUnmaskedSingleFrameHello() throws Exception {
        RecordingSink sink = new RecordingSink();
        new FrameReader(sink, MAX, false).read(ByteBuffer.wrap(hex("81 05 48 65 6c 6c 6f")));
        assertThat(sink.events).containsExactly("text:Hello");
    }

    @Test
    void serverReadsMaskedSingleFrameHello() throws Exception {
        assertThat(serverReads(hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"))).containsExactly("text:Hello");
    }

    @Test
    void clientJoinsFragmentedHelloFromRfcExample() throws Exception {
        RecordingSink sink = new RecordingSink();
        FrameReader reader = new FrameReader(sink, MAX, false);
        reader.read(ByteBuffer.wrap(hex("01 03 48 65 6c")));
        assertThat(sink.events).isEmpty();
        reader.read(ByteBuffer.wrap(hex("80 02 6c 6f")));
        assertThat(sink.events).containsExactly("text:Hello");
    }

    @Test
    void readsUnmaskedPingAndMaskedPongFromRfcExamples() throws Exception {
        RecordingSink sink = new RecordingSink();
        new FrameReader(sink, MAX, false).read(ByteBuffer.wrap(hex("89 05 48 65 6c 6c 6f")));
        assertThat(sink.events).containsExactly("ping:48656c6c6f");
        assertThat(serverReads(hex("8a 85 37 fa 21 3d 7f 9f 4d 51 58")))
                .containsExactly("pong:48656c6c6f");
    }

    @Test
    void readsSixteenAndSixtyFourBitLengthBinaryFromRfcExamples() throws Exception {
        byte[] small = new byte[256];
        byte[] big = new byte[65536];
        new Random(3).nextBytes(small);
        new Random(4).nextBytes(big);
        byte[] wire = concat(hex("82 7E 01 00"), small, hex("82 7F 00 00 00 00 00 01 00 00"), big);
        RecordingSink sink = new RecordingSink();
        new FrameReader(sink, MAX, false).read(ByteBuffer.wrap(wire));
        assertThat(sink.events).containsExactly(
                "binary:" + RecordingSink.summary(ByteBuffer.wrap(small)),
                "binary:" + RecordingSink.summary(ByteBuffer.wrap(big)));
    }

    // ---- splitting ----

    /** Client-to-server conversations covering every header form, fragments and controls. */
    private static List<byte[]> conversations() {
        Random random = new Random(5);
        byte[] b200 = new byte[200];
        byte[] b300 = new byte[300];
        random.nextBytes(b200);
        random.nextBytes(b300);
        return List.of(
                hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"),
                concat(masked(OP_TEXT, false, utf8("Hel"), 0x01020304),
                       masked(OP_CONTINUATION, true, utf8("lo"), 0xA1B2C3D4)),
                concat(masked(OP_PING, utf8("Hello")), masked(OP_PONG, new byte[0])),
                masked(OP_BINARY, b200),
                // text fragments split inside multi-byte characters, ping interleaved
                concat(masked(OP_TEXT, false, hex("e2 82"), 0x11111111),
                       masked(OP_PING, utf8("p")),
                       masked(OP_CONTINUATION, false, hex("ac f0 9f"), 0x22222222),
                       masked(OP_CONTINUATION, false, new byte[0], 0x33333333),
                       masked(OP_CONTINUATION, true, hex("98 80 21"), 0x44444444)),
                concat(masked(OP_BINARY, false, b300, 0x5A5A5A5A),
                       masked(OP_PONG, utf8("pong")),
                       masked(OP_CONTINUATION, true, b200, 0x00000000),
                       masked(OP_TEXT, new byte[0]),
                       masked(OP_BINARY, new byte[0]),
                       maskedClose(1000, utf8("done \u00e9"))),
                concat(masked(OP_TEXT, utf8("before close")), masked(OP_CLOSE, new byte[0]),
                       hex("ff ff ff ff")));
    }

    @Test
    void everyTwoWaySplitOfEveryConversationYieldsTheSameEvents() throws Exception {
        for (byte[] wire : conversations()) {
            List<String> whole = serverReads(wire);
            assertThat(whole).isNotEmpty();
            for (int cut = 0; cut <= wire.length; cut++) {
                byte[] head = java.util.Arrays.copyOfRange(wire, 0, cut);
                byte[] tail = java.util.Arrays.copyOfRange(wire, cut, wire.length);
                assertThat(serverReads(head, tail)).as("cut at %d", cut).isEqualTo(whole);
            }
        }
    }

    @Test
    void byteByByteFeedingOfEveryConversationYieldsTheSameEvents() throws Exception {
        for (byte[] wire : conversations()) {
            byte[][] singles = new byte[wire.length][];
            for (int i = 0; i < wire.length; i++) {
                singles[i] = new byte[] {wire[i]};
            }
            assertThat(serverReads(singles)).isEqualTo(serverReads(wire));
        }
    }

    @Test
    void everyThreeWaySplitOfAFragmentedConversationYieldsTheSameEvents() throws Exception {
        byte[] wire = conversations().get(4);
        List<String> whole = serverReads(wire);
        assertThat(whole).containsExactly("ping:70", "text:\u20ac\ud83d\ude00!");
        for (int a = 0; a <= wire.length; a++) {
            for (int b = a; b <= wire.length; b++) {
                assertThat(serverReads(java.util.Arrays.copyOfRange(wire, 0, a),
                        java.util.Arrays.copyOfRange(wire, a, b),
                        java.util.Arrays.copyOfRange(wire, b, wire.length)))
                        .as("cuts at %d and %d", a, b).isEqualTo(whole);
            }
        }
    }

    @Test
    void sixtyFourKibFrameSplitAtHeaderPositionsAndThroughoutYieldsTheSameEvents()
            throws Exception {
        byte[] payload = new byte[65536];
        new Random(6).nextBytes(payload);
        byte[] wire = masked(OP_BINARY, true, payload, 0x9ABCDEF0);
        List<String> whole = serverReads(wire);
        for (int cut = 0; cut <= wire.length; cut += cut < 64 || cut > wire.length - 64 ? 1 : 61) {
            assertThat(serverReads(java.util.Arrays.copyOfRange(wire, 0, cut),
                    java.util.Arrays.copyOfRange(wire, cut, wire.length)))
                    .as("cut at %d", cut).isEqualTo(whole);
        }
    }

    @Test
    void directSourceBuffersWorkLikeHeapOnes() throws Exception {
        byte[] wire = conversations().get(5);
        ByteBuffer direct = ByteBuffer.allocateDirect(wire.length).put(wire).flip();
        RecordingSink sink = new RecordingSink();
        new FrameReader(sink, MAX, true).read(direct);
        assertThat(sink.events).isEqualTo(serverReads(wire));
        assertThat(direct.remaining()).isZero();
    }

    // ---- message shapes ----

    @Test
    void pingBetweenFragmentsIsDeliveredBeforeTheMessage() throws Exception {
        assertThat(serverReads(
                masked(OP_TEXT, false, utf8("frag"), 1),
                masked(OP_PING, utf8("hi")),
                masked(OP_CONTINUATION, true, utf8("ment"), 2)))
                .containsExactly("ping:6869", "text:fragment");
    }

    @Test
    void closeBetweenFragmentsEndsTheConversationWithoutDeliveringThePartialMessage()
            throws Exception {
        assertThat(serverReads(
                masked(OP_BINARY, false, utf8("part"), 1),
                maskedClose(1001, new byte[0]),
                masked(OP_CONTINUATION, true, utf8("never"), 2)))
                .containsExactly("close:1001:");
    }

    @Test
    void emptyMessagesAndCloseWithoutPayloadAreReported() throws Exception {
        assertThat(serverReads(
                masked(OP_TEXT, new byte[0]),
                masked(OP_BINARY, new byte[0]),
                masked(OP_PING, new byte[0]),
                masked(OP_CLOSE, new byte[0])))
                .containsExactly("text:", "binary:", "ping:", "close:1005:");
    }

    @Test
    void inputAfterCloseIsIgnoredEvenWhenItIsGarbage() throws Exception {
        RecordingSink sink = new RecordingSink();
        FrameReader reader = new FrameReader(sink, MAX, true);
        ByteBuffer first = ByteBuffer.wrap(concat(maskedClose(1000, utf8("ok")), hex("ff 00")));
        reader.read(first);
        assertThat(first.hasRemaining()).isFalse();
        reader.read(ByteBuffer.wrap(masked(OP_TEXT, utf8("late"))));
        reader.read(ByteBuffer.wrap(hex("0f 0f 0f")));
        assertThat(sink.events).containsExactly("close:1000:ok");
    }

    @Test
    void binaryMessagesGetTheirOwnExactSizeBuffers() throws Exception {
        java.util.List<ByteBuffer> received = new java.util.ArrayList<>();
        FrameReader reader = new FrameReader(new RecordingSink() {
            @Override
            public void onBinary(ByteBuffer data) {
                received.add(data);
            }
        }, MAX, true);
        reader.read(ByteBuffer.wrap(concat(
                masked(OP_BINARY, false, utf8("abc"), 7),
                masked(OP_CONTINUATION, true, utf8("de"), 8),
                masked(OP_BINARY, utf8("xyz")))));
        assertThat(received).hasSize(2);
        assertThat(received.get(0).capacity()).isEqualTo(5);
        assertThat(received.get(0).array()).hasSize(5);
        assertThat(received.get(1).array()).hasSize(3);
        assertThat(Wire.bytes(received.get(0))).isEqualTo(utf8("abcde"));
        assertThat(Wire.bytes(received.get(1))).isEqualTo(utf8("xyz"));
        assertThat(received.get(0).array()).isNotSameAs(received.get(1).array());
    }

    @Test
    void sourceBufferContentIsNotChangedByUnmasking() throws Exception {
        byte[] wire = masked(OP_TEXT, utf8("Hello"));
        byte[] copy = wire.clone();
        new FrameReader(new RecordingSink(), MAX, true).read(ByteBuffer.wrap(wire));
        assertThat(wire).isEqualTo(copy);
    }

    @Test
    void nonMinimalLengthEncodingIsAccepted() throws Exception {
        // RFC 6455 asks senders for the minimal form; receivers commonly accept the others.
        assertThat(serverReads(concat(hex("81 fe 00 02 00 00 00 00"), utf8("ok"))))
                .containsExactly("text:ok");
    }

    // ---- violations ----

    @Test
    void unmaskedFrameFromClientIsProtocolError() {
        assertThat(serverCloseCode(hex("81 05 48 65 6c 6c 6f"))).isEqualTo(1002);
    }

    @Test
    void maskedFrameFromServerIsProtocolError() {
        assertThat(clientCloseCode(hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"))).isEqualTo(1002);
    }

    @Test
    void eachRsvBitWithoutExtensionIsProtocolError() {
        for (int rsv : new int[] {0x40, 0x20, 0x10}) {
            byte[] frame = masked(OP_TEXT, utf8("x"));
            frame[0] |= (byte) rsv;
            assertThat(serverCloseCode(frame)).as("rsv %x", rsv).isEqualTo(1002);
            // Detected from the first byte alone.
            assertThat(serverCloseCode(new byte[] {frame[0]})).isEqualTo(1002);
        }
    }

    @Test
    void reservedOpcodesAreProtocolErrors() {
        for (int opcode : new int[] {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
            assertThat(serverCloseCode(new byte[] {(byte) (0x80 | opcode)}))
                    .as("opcode %x", opcode).isEqualTo(1002);
        }
    }

    @Test
    void controlFrameWithPayloadOver125IsProtocolError() {
        assertThat(serverCloseCode(hex("89 fe 00 7e"))).isEqualTo(1002);
        assertThat(serverCloseCode(hex("89 fe"))).isEqualTo(1002);
        assertThat(serverCloseCode(hex("8a ff"))).isEqualTo(1002);
    }

    @Test
    void fragmentedControlFrameIsProtocolError() {
        for (int opcode : new int[] {OP_CLOSE, OP_PING, OP_PONG}) {
            assertThat(serverCloseCode(new byte[] {(byte) opcode})).isEqualTo(1002);
        }
    }

    @Test
    void continuationWithoutMessageIsProtocolError() {
        assertThat(serverCloseCode(masked(OP_CONTINUATION, true, utf8("x"), 1))).isEqualTo(1002);
        // Also right after a completed message.
        assertThat(serverCloseCode(masked(OP_TEXT, utf8("done")),
                masked(OP_CONTINUATION, true, utf8("x"), 1))).isEqualTo(1002);
    }

    @Test
    void newDataFrameInsideFragmentedMessageIsProtocolError() {
        assertThat(serverCloseCode(masked(OP_TEXT, false, utf8("a"), 1),
                masked(OP_TEXT, true, utf8("b"), 2))).isEqualTo(1002);
        assertThat(serverCloseCode(masked(OP_BINARY, false, utf8("a"), 1),
                masked(OP_PING, new byte[0]),
                masked(OP_BINARY, true, utf8("b"), 2))).isEqualTo(1002);
    }

    @Test
    void sixtyFourBitLengthWithHighBitSetIsProtocolError() {
        assertThat(serverCloseCode(hex("82 ff 80 00 00 00 00 00 00 00 01 02 03 04")))
                .isEqualTo(1002);
    }

    @Test
    void invalidUtf8TextIsInvalidPayload() {
        assertThat(serverCloseCode(masked(OP_TEXT, hex("ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80"))))
                .isEqualTo(1007);
    }

    @Test
    void invalidUtf8FailsOnTheFirstFragmentBeforeTheMessageEnds() {
        RecordingSink sink = new RecordingSink();
        FrameReader reader = new FrameReader(sink, MAX, true);
        ProtocolException e = catchThrowableOfType(ProtocolException.class,
                () -> reader.read(ByteBuffer.wrap(masked(OP_TEXT, false, hex("41 c0 af"), 9))));
        assertThat(e.closeCode()).isEqualTo(1007);
    }

    @Test
    void invalidUtf8FailsAsSoonAsTheBadByteArrivesInsideAFrame() {
        byte[] frame = masked(OP_TEXT, true, concat(utf8("ok"), hex("ff"), utf8("0123456789")), 5);
        FrameReader reader = new FrameReader(new RecordingSink(), MAX, true);
        // Header (6 bytes) and the first three payload bytes only: the frame is far from done.
        ProtocolException e = catchThrowableOfType(ProtocolException.class,
                () -> reader.read(ByteBuffer.wrap(frame, 0, 9)));
        assertThat(e.closeCode()).isEqualTo(1007);
    }

    @Test
    void truncatedSequenceAtEndOfFinalFragmentIsInvalidPayload() {
        assertThat(serverCloseCode(masked(OP_TEXT, false, utf8("abc"), 1),
                masked(OP_CONTINUATION, true, hex("e2 82"), 2))).isEqualTo(1007);
    }

    @Test
    void sequenceSplitAcrossFragmentsIsValid() throws Exception {
        assertThat(serverReads(masked(OP_TEXT, false, hex("e2"), 1),
                masked(OP_CONTINUATION, false, hex("82"), 2),
                masked(OP_CONTINUATION, true, hex("ac"), 3)))
                .containsExactly("text:\u20ac");
    }

    @Test
    void binaryMessagesAreNotUtf8Checked() throws Exception {
        assertThat(serverReads(masked(OP_BINARY, hex("ff c0 ed a0 80"))))
                .containsExactly("binary:ffc0eda080");
    }

    @Test
    void closePayloadOfOneByteIsProtocolError() {
        assertThat(serverCloseCode(masked(OP_CLOSE, hex("03")))).isEqualTo(1002);
    }

    @Test
    void closeCodesValidOnTheWireAreAccepted() throws Exception {
        // 1012-1014 are IANA-registered after RFC 6455; Autobahn|Testsuite 0.5.6 (CI) does
        // not test them either way, and our own server sends 1013.
        for (int code : new int[] {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011,
                                   1012, 1013, 1014, 3000, 3999, 4000, 4999}) {
            assertThat(serverReads(maskedClose(code, new byte[0])))
                    .containsExactly("close:" + code + ":");
        }
    }

    @Test
    void closeCodesInvalidOnTheWireAreProtocolErrors() {
        // Autobahn|Testsuite 0.5.6 case 7.9.x codes, plus 1015 and codes above 4999.
        for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999,
                                   5000, 65535}) {
            assertThat(serverCloseCode(maskedClose(code, new byte[0]))).as("code %d", code)
                    .isEqualTo(1002);
        }
    }

    @Test
    void closeReasonThatIsNotUtf8IsInvalidPayload() {
        assertThat(serverCloseCode(maskedClose(1000,
                hex("ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80 65 64 69 74 65 64"))))
                .isEqualTo(1007);
        assertThat(serverCloseCode(maskedClose(1000, hex("e2 82")))).isEqualTo(1007);
    }

    @Test
    void closeReasonIsDecoded() throws Exception {
        assertThat(serverReads(maskedClose(1000, utf8("\u20ac bye"))))
                .containsExactly("close:1000:\u20ac bye");
    }

    @Test
    void frameLongerThanMaxIsRefusedFromItsHeaderAlone() {
        FrameReader reader = new FrameReader(new RecordingSink(), 1000, true);
        // Header announcing 1001 bytes; no payload sent.
        ProtocolException e = catchThrowableOfType(ProtocolException.class,
                () -> reader.read(ByteBuffer.wrap(hex("82 fe 03 e9 00 00 00 00"))));
        assertThat(e.closeCode()).isEqualTo(1009);
        assertThat(reader.bufferedCapacity()).isLessThanOrEqualTo(14 + 125);
    }

    @Test
    void hugeDeclaredLengthIsRefusedWithoutAllocating() {
        FrameReader reader = new FrameReader(new RecordingSink(), MAX, true);
        ProtocolException e = catchThrowableOfType(ProtocolException.class,
                () -> reader.read(ByteBuffer.wrap(hex("82 ff 7f ff ff ff ff ff ff ff 01 02 03 04"))));
        assertThat(e.closeCode()).isEqualTo(1009);
    }

    @Test
    void fragmentsAddingUpToMoreThanMaxAreRefusedAtTheOffendingHeader() throws Exception {
        RecordingSink sink = new RecordingSink();
        FrameReader reader = new FrameReader(sink, 10, true);
        reader.read(ByteBuffer.wrap(masked(OP_BINARY, false, new byte[6], 1)));
        reader.read(ByteBuffer.wrap(masked(OP_CONTINUATION, false, new byte[4], 2)));
        ProtocolException e = catchThrowableOfType(ProtocolException.class,
                () -> reader.read(ByteBuffer.wrap(hex("80 81 01 02 03 04"))));
        assertThat(e.closeCode()).isEqualTo(1009);
        assertThat(sink.events).isEmpty();
    }

    @Test
    void messageOfExactlyMaxIsAccepted() throws Exception {
        RecordingSink sink = new RecordingSink();
        FrameReader reader = new FrameReader(sink, 10, true);
        reader.read(ByteBuffer.wrap(concat(masked(OP_BINARY, false, new byte[6], 1),
                masked(OP_PING, new byte[0]),
                masked(OP_CONTINUATION, true, new byte[4], 2))));
        assertThat(sink.events).containsExactly("ping:", "binary:00000000000000000000");
    }

    @Test
    void bufferGrowsWithArrivingBytesNotWithTheDeclaredLength() throws Exception {
        FrameReader reader = new FrameReader(new RecordingSink(), MAX, true);
        byte[] frame = masked(OP_BINARY, true, new byte[MAX], 1);
        reader.read(ByteBuffer.wrap(frame, 0, 14 + 10));
        assertThat(reader.bufferedCapacity()).isLessThanOrEqualTo(14 + 125 + 4096);
    }

    @Test
    void failedReaderRethrowsTheSameExceptionForEveryLaterCall() {
        FrameReader reader = new FrameReader(new RecordingSink(), MAX, true);
        ProtocolException first = catchThrowableOfType(ProtocolException.class,
                () -> reader.read(ByteBuffer.wrap(hex("81 05"))));
        assertThatThrownBy(() -> reader.read(ByteBuffer.wrap(masked(OP_TEXT, utf8("fine")))))
                .isSameAs(first);
        assertThatThrownBy(() -> reader.read(ByteBuffer.allocate(0))).isSameAs(first);
    }

    @Test
    void reservedOpcodeIsDetectedEvenMidMessage() {
        assertThat(serverCloseCode(masked(OP_TEXT, false, utf8("a"), 1), hex("83"))).isEqualTo(1002);
    }
}
