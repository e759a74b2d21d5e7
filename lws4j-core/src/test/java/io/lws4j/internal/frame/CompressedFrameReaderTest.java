package io.lws4j.internal.frame;

import static io.lws4j.internal.frame.Wire.concat;
import static io.lws4j.internal.frame.Wire.hex;
import static io.lws4j.internal.frame.Wire.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.internal.deflate.MessageInflater;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The frame reader with a permessage-deflate inflater plugged in. */
class CompressedFrameReaderTest {

    private static final int MAX = 1 << 20;

    private final RecordingSink sink = new RecordingSink();
    private MessageInflater inflater = new MessageInflater(false);

    @AfterEach
    void releaseInflater() {
        inflater.release();
    }

    /** A reader as the client side of the RFC examples: unmasked server frames. */
    private FrameReader clientReader() {
        return new FrameReader(sink, MAX, false, inflater);
    }

    private FrameReader serverReader(int max) {
        return new FrameReader(sink, max, true, inflater);
    }

    /** Raw DEFLATE with SYNC_FLUSH, tail stripped, as a sender of RFC 7692 produces it. */
    private static byte[] compress(Deflater deflater, byte[] data) {
        byte[] all = compressKeepingTail(deflater, data);
        return Arrays.copyOf(all, all.length - 4);
    }

    /** The same with the 00 00 ff ff kept, as a fragment before a message's last one is. */
    private static byte[] compressKeepingTail(Deflater deflater, byte[] data) {
        deflater.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        int n;
        do {
            n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            out.write(buf, 0, n);
        } while (n == buf.length);
        return out.toByteArray();
    }

    /** A masked client frame with RSV1 set. */
    private static byte[] maskedRsv1(int opcode, boolean fin, byte[] payload) {
        byte[] frame = Wire.masked(opcode, fin, payload, 0x5a17c3e9);
        frame[0] |= 0x40;
        return frame;
    }

    private static int failureCode(FrameReader reader, byte[] input) {
        try {
            reader.read(ByteBuffer.wrap(input));
        } catch (ProtocolException e) {
            return e.closeCode();
        }
        return -1;
    }

    @Test
    void shouldDecodeTheRfc7692HelloExample() throws ProtocolException {
        clientReader().read(ByteBuffer.wrap(hex("c1 07 f2 48 cd c9 c9 07 00")));
        assertThat(sink.events).containsExactly("text:Hello");
    }

    @Test
    void shouldDecodeTheRfc7692SharedWindowExample() throws ProtocolException {
        clientReader().read(ByteBuffer.wrap(hex("c1 07 f2 48 cd c9 c9 07 00  c1 05 f2 00 11 00 00")));
        assertThat(sink.events).containsExactly("text:Hello", "text:Hello");
    }

    @Test
    void shouldDecodeTheRfc7692FragmentedExampleSplitAtEveryByte() throws ProtocolException {
        // §7.2.3.1: one compressed message in two fragments, RSV1 only on the first
        byte[] wire = hex("41 03 f2 48 cd  80 04 c9 c9 07 00");
        FrameReader reader = clientReader();
        for (byte b : wire) {
            reader.read(ByteBuffer.wrap(new byte[] {b}));
        }
        assertThat(sink.events).containsExactly("text:Hello");
    }

    @Test
    void shouldDecodeTheRfc7692StoredBlockAndBfinalExamples() throws ProtocolException {
        // §7.2.3.3 no compression (stored block), §7.2.3.4 BFINAL set; each a fresh stream
        FrameReader reader = clientReader();
        reader.read(ByteBuffer.wrap(hex("c1 0b 00 05 00 fa ff 48 65 6c 6c 6f 00")));
        reader.read(ByteBuffer.wrap(hex("c1 08 f3 48 cd c9 c9 07 00 00")));
        reader.read(ByteBuffer.wrap(hex("c1 07 f2 48 cd c9 c9 07 00")));
        assertThat(sink.events).containsExactly("text:Hello", "text:Hello", "text:Hello");
    }

    @Test
    void shouldInflateMaskedFragmentsWithControlFramesBetweenAndKeepTheWindow() throws ProtocolException {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        byte[] text = utf8("päylöad ".repeat(3000));
        byte[] first = compressKeepingTail(deflater, Arrays.copyOf(text, 10_000));
        byte[] second = compress(deflater, Arrays.copyOfRange(text, 10_000, text.length));
        byte[] again = compress(deflater, text); // mostly back-references into the window
        deflater.end();
        FrameReader reader = serverReader(MAX);
        reader.read(ByteBuffer.wrap(concat(
                maskedRsv1(FrameWriter.OP_TEXT, false, first),
                Wire.masked(FrameWriter.OP_PING, utf8("p")),
                Wire.masked(FrameWriter.OP_CONTINUATION, true, second, 0x01020304),
                maskedRsv1(FrameWriter.OP_TEXT, true, again),
                Wire.masked(FrameWriter.OP_TEXT, utf8("plain")))));
        String expected = "text:" + "päylöad ".repeat(3000);
        assertThat(sink.events).containsExactly("ping:70", expected, expected, "text:plain");
        assertThat(again.length).isLessThan(text.length / 20);
    }

    @Test
    void shouldResetTheWindowPerMessageWhenThePeerHasNoContextTakeover() throws ProtocolException {
        inflater = new MessageInflater(true);
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        byte[] text = utf8("reset me ".repeat(100));
        byte[] one = compress(deflater, text);
        deflater.reset();
        byte[] two = compress(deflater, text);
        deflater.end();
        assertThat(two).isEqualTo(one);
        FrameReader reader = serverReader(MAX);
        reader.read(ByteBuffer.wrap(concat(maskedRsv1(FrameWriter.OP_BINARY, true, one),
                maskedRsv1(FrameWriter.OP_BINARY, true, two))));
        assertThat(sink.events).hasSize(2).allMatch(e -> e.startsWith("binary:900#"));
    }

    @Test
    void shouldRejectRsv1OnContinuationAndControlFrames() {
        byte[] start = maskedRsv1(FrameWriter.OP_TEXT, false, hex("f2 48 cd"));
        byte[] cont = maskedRsv1(FrameWriter.OP_CONTINUATION, true, hex("c9 c9 07 00"));
        assertThat(failureCode(serverReader(MAX), concat(start, cont))).isEqualTo(1002);
        inflater.release();
        inflater = new MessageInflater(false);
        assertThat(failureCode(serverReader(MAX), maskedRsv1(FrameWriter.OP_PING, true, new byte[0])))
                .isEqualTo(1002);
    }

    @Test
    void shouldRejectRsv1WithoutNegotiationAndRsv2WithIt() {
        byte[] compressed = maskedRsv1(FrameWriter.OP_TEXT, true, hex("f2 48 cd c9 c9 07 00"));
        assertThat(failureCode(new FrameReader(sink, MAX, true), compressed)).isEqualTo(1002);
        byte[] rsv2 = Wire.masked(FrameWriter.OP_TEXT, utf8("x"));
        rsv2[0] |= 0x20;
        assertThat(failureCode(serverReader(MAX), rsv2)).isEqualTo(1002);
    }

    @Test
    void shouldFailWith1007OnInvalidUtf8AfterInflating() {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        byte[] bad = compress(deflater, hex("48 65 c0 af 6c"));
        deflater.end();
        assertThat(failureCode(serverReader(MAX), maskedRsv1(FrameWriter.OP_TEXT, true, bad)))
                .isEqualTo(1007);
    }

    @Test
    void shouldFailWith1007OnDataThatIsNotDeflate() {
        // block type 3 is reserved
        assertThat(failureCode(serverReader(MAX), maskedRsv1(FrameWriter.OP_BINARY, true, hex("ff ff ff"))))
                .isEqualTo(1007);
    }

    @Test
    void shouldAcceptAMessageOfExactlyTheMaximumAfterInflating() throws ProtocolException {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        byte[] exact = compress(deflater, new byte[4096]);
        byte[] over = compress(deflater, new byte[4097]);
        deflater.end();
        FrameReader reader = serverReader(4096);
        reader.read(ByteBuffer.wrap(maskedRsv1(FrameWriter.OP_BINARY, true, exact)));
        assertThat(sink.events).hasSize(1).allMatch(e -> e.startsWith("binary:4096#"));
        assertThat(failureCode(reader, maskedRsv1(FrameWriter.OP_BINARY, true, over))).isEqualTo(1009);
    }

    @Test
    void shouldStopADecompressionBombAtTheLimitWithBoundedMemory() {
        // 1 GiB of zeros deflates to about 1 MiB; fed in 64 KiB frames of one message
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        byte[] zeros = new byte[1 << 20];
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        for (int i = 0; i < 1024; i++) {
            deflater.setInput(zeros);
            while (!deflater.needsInput()) {
                bomb.write(buf, 0, deflater.deflate(buf, 0, buf.length, Deflater.NO_FLUSH));
            }
        }
        int n;
        while ((n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
            bomb.write(buf, 0, n);
            if (n < buf.length) {
                break;
            }
        }
        deflater.end();
        byte[] compressed = bomb.toByteArray();
        assertThat(compressed.length).isBetween(500_000, 2_000_000);

        int max = 1 << 20;
        FrameReader reader = serverReader(max);
        int fed = 0;
        int code = -1;
        try {
            for (int off = 0; off < compressed.length; off += 65536) {
                int len = Math.min(65536, compressed.length - off);
                byte[] payload = Arrays.copyOfRange(compressed, off, off + len);
                int opcode = off == 0 ? FrameWriter.OP_BINARY : FrameWriter.OP_CONTINUATION;
                byte[] frame = off == 0 ? maskedRsv1(opcode, false, payload)
                        : Wire.masked(opcode, false, payload, 0x0badcafe);
                reader.read(ByteBuffer.wrap(frame));
                fed += len;
                assertThat(reader.bufferedCapacity()).isLessThanOrEqualTo(max + 8192 + 200);
            }
        } catch (ProtocolException e) {
            code = e.closeCode();
        }
        assertThat(code).isEqualTo(1009);
        // 1 MiB of output is about 1/1024 of the stream: stops within the first frame
        assertThat(fed).as("compressed bytes consumed before the 1009").isLessThan(65536);
        assertThat(sink.events).isEmpty();
    }

    @Test
    void shouldBoundTheCompressedWireSizeOfAMessage() {
        // empty stored blocks inflate to nothing; the wire size still has a limit
        byte[] emptyStoredBlocks = new byte[5 * 40_000];
        for (int i = 0; i < emptyStoredBlocks.length; i += 5) {
            System.arraycopy(hex("00 00 00 ff ff"), 0, emptyStoredBlocks, i, 5);
        }
        byte[] frame = maskedRsv1(FrameWriter.OP_BINARY, false, emptyStoredBlocks);
        assertThat(failureCode(serverReader(125), frame)).isEqualTo(1009);
    }

    @Test
    void shouldFailWith1011WhenTheInflaterWasReleasedMidStream() {
        inflater.release();
        assertThat(failureCode(serverReader(MAX), maskedRsv1(FrameWriter.OP_TEXT, true, hex("f2 48 cd c9 c9 07 00"))))
                .isEqualTo(1011);
    }

    /** Runs {@code body} on a new thread, whose {@link ReadScratch} starts empty. */
    private static void onFreshThread(ThrowingRunnable body) throws Exception {
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.start();
        t.join();
        if (failure[0] instanceof Exception e) {
            throw e;
        }
        if (failure[0] instanceof Error e) {
            throw e;
        }
    }

    /** A test body that may throw. */
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void holdsNoChunkBetweenCompressedMessages_theThreadKeepsOneSizedToTheLongestFrame() throws Exception {
        onFreshThread(() -> {
            FrameReader reader = serverReader(MAX);
            int empty = reader.bufferedCapacity();
            Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            try {
                for (int i = 0; i < 50; i++) {
                    reader.read(ByteBuffer.wrap(maskedRsv1(FrameWriter.OP_BINARY, true,
                            compress(deflater, ("pos " + i).getBytes(StandardCharsets.UTF_8)))));
                }
                assertThat(sink.events).hasSize(50);
                assertThat(reader.bufferedCapacity()).as("the reader between messages").isEqualTo(empty);
                assertThat(ReadScratch.ofThread().keptChunkLength()).as("the thread's chunk after short messages")
                        .isEqualTo(FrameReader.MIN_COMPRESSED_CHUNK);
                byte[] noise = new byte[40_000];
                new java.util.Random(3).nextBytes(noise);
                reader.read(ByteBuffer.wrap(maskedRsv1(FrameWriter.OP_BINARY, true, compress(deflater, noise))));
                assertThat(sink.events).hasSize(51);
                assertThat(reader.bufferedCapacity()).isEqualTo(empty);
                assertThat(ReadScratch.ofThread().keptChunkLength()).as("the thread's chunk after a long frame")
                        .isEqualTo(FrameReader.COMPRESSED_CHUNK);
            } finally {
                deflater.end();
            }
        });
    }

    @Test
    void anIdleReaderHoldsNoTextBuffer_theNextReaderOnTheThreadTakesIt() throws Exception {
        onFreshThread(() -> {
            FrameReader one = serverReader(MAX);
            FrameReader other = serverReader(MAX);
            int empty = one.bufferedCapacity();
            String text = randomLetters(3000, 26);
            Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            try {
                one.read(ByteBuffer.wrap(maskedRsv1(FrameWriter.OP_TEXT, true,
                        compress(deflater, text.getBytes(StandardCharsets.UTF_8)))));
                assertThat(one.bufferedCapacity()).as("the reader after a compressed text").isEqualTo(empty);
                int kept = ReadScratch.ofThread().keptTextLength();
                assertThat(kept).as("the thread keeps the text buffer").isBetween(3000, 4096);
                other.read(ByteBuffer.wrap(Wire.masked(FrameWriter.OP_TEXT, false,
                        "start ".getBytes(StandardCharsets.UTF_8), 0x01020304)));
                assertThat(other.messageBufferCapacity()).as("a message in progress holds the kept buffer")
                        .isEqualTo(kept);
                assertThat(ReadScratch.ofThread().keptTextLength()).isZero();
                other.read(ByteBuffer.wrap(Wire.masked(FrameWriter.OP_CONTINUATION, true,
                        "end".getBytes(StandardCharsets.UTF_8), 0x01020304)));
                assertThat(sink.events).containsExactly("text:" + text, "text:start end");
                assertThat(other.messageBufferCapacity()).isZero();
                assertThat(ReadScratch.ofThread().keptTextLength()).isEqualTo(kept);
            } finally {
                deflater.end();
            }
        });
    }

    @Test
    void keepsAShortTextBufferWhileCompressedTextMessagesAreShort() throws Exception {
        FrameReader reader = serverReader(MAX);
        int empty = reader.bufferedCapacity();
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            for (int i = 0; i < 50; i++) {
                reader.read(ByteBuffer.wrap(maskedRsv1(FrameWriter.OP_TEXT, true,
                        compress(deflater, ("pos " + i).getBytes(StandardCharsets.UTF_8)))));
            }
            assertThat(sink.events).hasSize(50).last().isEqualTo("text:pos 49");
            assertThat(reader.bufferedCapacity() - empty).as("chunk and retained text buffer")
                    .isLessThanOrEqualTo(FrameReader.MIN_COMPRESSED_CHUNK + 64);
            String longer = "position 12345; ".repeat(1000);
            reader.read(ByteBuffer.wrap(maskedRsv1(FrameWriter.OP_TEXT, true,
                    compress(deflater, longer.getBytes(StandardCharsets.UTF_8)))));
            assertThat(sink.events).last().isEqualTo("text:" + longer);
        } finally {
            deflater.end();
        }
    }
    @Test
    void inflatesATextMessageThatFillsItsFirstBufferExactlyWithoutGrowingIt() throws Exception {
        // random letters compress to well over a quarter of their size, so the first buffer
        // is the largest first guess, and the message fills it to the last byte
        String text = randomLetters(4096, 20);
        onFreshThread(() -> {
            FrameReader reader = serverReader(MAX);
            Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            try {
                byte[] compressed = compress(deflater, text.getBytes(StandardCharsets.UTF_8));
                assertThat(compressed.length).as("compressed frame").isGreaterThan(1024);
                reader.read(ByteBuffer.wrap(maskedRsv1(FrameWriter.OP_TEXT, true, compressed)));
                assertThat(sink.events).containsExactly("text:" + text);
                assertThat(ReadScratch.ofThread().keptTextLength())
                        .as("the first buffer, not grown, kept for the next message").isEqualTo(4096);
            } finally {
                deflater.end();
            }
        });
    }

    @Test
    void growsAFullBufferWhenOneMoreByteComes_evenInsideAUtf8Sequence() throws Exception {
        // the 4096th and 4097th bytes are one two-byte character: the probe byte that shows
        // the message goes on is half of it
        String oneMore = randomLetters(4095, 21) + "\u00e9";
        String longer = randomLetters(4095, 22) + "\u00e9" + randomLetters(3000, 23);
        FrameReader reader = serverReader(MAX);
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            for (String text : new String[] {oneMore, longer}) {
                byte[] compressed = compress(deflater, text.getBytes(StandardCharsets.UTF_8));
                reader.read(ByteBuffer.wrap(maskedRsv1(FrameWriter.OP_TEXT, true, compressed)));
            }
            assertThat(sink.events).containsExactly("text:" + oneMore, "text:" + longer);
        } finally {
            deflater.end();
        }
    }

    @Test
    void failsWith1009WhenTheOutputPassesTheLimitByOneByte() throws Exception {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            byte[] exact = compress(deflater, randomLetters(100, 24).getBytes(StandardCharsets.UTF_8));
            FrameReader reader = serverReader(100);
            reader.read(ByteBuffer.wrap(maskedRsv1(FrameWriter.OP_TEXT, true, exact)));
            assertThat(sink.events).hasSize(1);
            byte[] over = compress(deflater, randomLetters(101, 25).getBytes(StandardCharsets.UTF_8));
            assertThat(failureCode(reader, maskedRsv1(FrameWriter.OP_TEXT, true, over))).isEqualTo(1009);
        } finally {
            deflater.end();
        }
    }

    private static String randomLetters(int length, long seed) {
        java.util.Random random = new java.util.Random(seed);
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append((char) ('A' + random.nextInt(58)));
        }
        return b.toString();
    }
}
