package io.lws4j.internal.deflate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lws4j.internal.frame.FrameWriter;
import io.lws4j.internal.frame.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MessageDeflaterTest {

    private static ByteBuffer encodeText(MessageDeflater deflater, String text, boolean masked, int maskKey) {
        return deflater.encode(FrameWriter.OP_TEXT, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)),
                masked, maskKey);
    }

    private static String hex(ByteBuffer frame) {
        byte[] b = new byte[frame.remaining()];
        frame.duplicate().get(b);
        return HexFormat.ofDelimiter(" ").formatHex(b);
    }

    @Test
    void shouldEncodeTheRfc7692HelloExampleByteExact() {
        // RFC 7692 §7.2.3.1: "Hello" in one unmasked compressed frame
        MessageDeflater deflater = new MessageDeflater(true, 0);
        assertThat(hex(encodeText(deflater, "Hello", false, 0)))
                .isEqualTo("c1 07 f2 48 cd c9 c9 07 00");
        // no context takeover: the second message is encoded the same way
        assertThat(hex(encodeText(deflater, "Hello", false, 0)))
                .isEqualTo("c1 07 f2 48 cd c9 c9 07 00");
        deflater.release();
    }

    @Test
    void shouldReferToTheSharedWindowInTheSecondMessageWithContextTakeover() {
        // RFC 7692 §7.2.3.2: the second "Hello" is a back-reference into the first
        MessageDeflater deflater = new MessageDeflater(false, 0);
        assertThat(hex(encodeText(deflater, "Hello", false, 0)))
                .isEqualTo("c1 07 f2 48 cd c9 c9 07 00");
        assertThat(hex(encodeText(deflater, "Hello", false, 0)))
                .isEqualTo("c1 05 f2 00 11 00 00");
        deflater.release();
    }

    @Test
    void shouldSendSmallMessagesUncompressed() {
        MessageDeflater deflater = new MessageDeflater(true, 64);
        assertThat(hex(encodeText(deflater, "Hello", false, 0))).isEqualTo("81 05 48 65 6c 6c 6f");
        assertThat(deflater.hasNativeState()).as("no zlib state until a message is compressed").isFalse();
        deflater.release();
    }

    @Test
    void shouldSendIncompressibleDataRawWhenTheWindowIsResetAnyway() {
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        MessageDeflater deflater = new MessageDeflater(true, 64);
        ByteBuffer frame = deflater.encode(FrameWriter.OP_BINARY, ByteBuffer.wrap(noise), false, 0);
        assertThat(frame.get(0) & 0xff).as("FIN, binary, RSV1 clear").isEqualTo(0x82);
        assertThat(frame.remaining()).isEqualTo(4 + noise.length);
        deflater.release();
    }

    @Test
    void shouldRoundTripMaskedMessagesThroughTheInflaterWithContextTakeover() throws ProtocolException {
        MessageDeflater deflater = new MessageDeflater(false, 0);
        MessageInflater inflater = new MessageInflater(false);
        for (int i = 0; i < 20; i++) {
            String text = "message number " + i + " ".repeat(i * 10) + "the same words again";
            ByteBuffer frame = encodeText(deflater, text, true, 0x11223344 * (i + 1));
            assertThat(frame.get(0) & 0x40).as("RSV1").isEqualTo(0x40);
            assertThat(inflate(inflater, unmaskedPayload(frame))).isEqualTo(text);
        }
        deflater.release();
        inflater.release();
    }

    @Test
    void shouldCompressShortMessagesWithASharedWindowOnlyWhenTheThresholdIsZero() {
        PerMessageDeflate everything = PerMessageDeflate.create(new DeflateParams(false, false, 0), true, 0);
        assertThat(hex(encodeText(everything.deflater(), "Hello", false, 0))).isEqualTo("c1 07 f2 48 cd c9 c9 07 00");
        assertThat(hex(encodeText(everything.deflater(), "Hello", false, 0))).isEqualTo("c1 05 f2 00 11 00 00");
        everything.release();
        for (DeflateParams params : new DeflateParams[] {new DeflateParams(false, false, 0),
                new DeflateParams(true, false, 0)}) {
            PerMessageDeflate byDefault = PerMessageDeflate.create(params, true,
                    MessageDeflater.DEFAULT_COMPRESSION_THRESHOLD);
            assertThat(hex(encodeText(byDefault.deflater(), "Hello", false, 0))).as("%s", params)
                    .isEqualTo("81 05 48 65 6c 6c 6f");
            assertThat(byDefault.deflater().hasNativeState()).as("no zlib state for short messages").isFalse();
            byDefault.release();
        }
    }

    @Test
    void shouldSendEmptyMessagesUncompressedEvenAfterAFlush() {
        MessageDeflater deflater = new MessageDeflater(false, 0);
        encodeText(deflater, "Hello", false, 0);
        assertThat(hex(encodeText(deflater, "", false, 0))).isEqualTo("81 00");
        assertThat(hex(deflater.encode(FrameWriter.OP_BINARY, ByteBuffer.allocate(0), false, 0))).isEqualTo("82 00");
        deflater.release();
    }

    @Test
    void shouldFailAfterRelease() {
        MessageDeflater deflater = new MessageDeflater(false, 0);
        encodeText(deflater, "x".repeat(100), false, 0);
        assertThat(deflater.hasNativeState()).isTrue();
        deflater.release();
        deflater.release();
        assertThat(deflater.hasNativeState()).isFalse();
        assertThatThrownBy(() -> encodeText(deflater, "x", false, 0)).isInstanceOf(IllegalStateException.class);
        MessageInflater inflater = new MessageInflater(false);
        inflater.input(new byte[] {0x02, 0x00}, 0, 2);
        assertThat(inflater.hasNativeState()).isTrue();
        inflater.release();
        assertThat(inflater.hasNativeState()).isFalse();
        assertThatThrownBy(() -> inflater.output(new byte[8], 0, 8))
                .isInstanceOf(ProtocolException.class)
                .satisfies(e -> assertThat(((ProtocolException) e).closeCode()).isEqualTo(1011));
    }

    @Test
    void framesStayIntactAfterLaterMessagesReuseTheOutputBuffer() throws ProtocolException {
        MessageDeflater deflater = new MessageDeflater(false, 0);
        String[] texts = new String[6];
        ByteBuffer[] frames = new ByteBuffer[texts.length];
        for (int i = 0; i < texts.length; i++) {
            // incompressible enough that each message fills the reused buffer differently
            texts[i] = "message " + i + " " + Long.toString(new Random(i).nextLong(), 36).repeat(40 - i * 5);
            frames[i] = encodeText(deflater, texts[i], false, 0);
        }
        MessageInflater inflater = new MessageInflater(false);
        for (int i = 0; i < texts.length; i++) {
            assertThat(inflate(inflater, unmaskedPayload(frames[i]))).as("message %d", i).isEqualTo(texts[i]);
        }
        deflater.release();
        inflater.release();
    }

    @Test
    void copyPayloadReusesARecycledBufferOnlyWhenItFitsAndIsSmallEnoughToKeep() {
        MessageDeflater deflater = new MessageDeflater(false, 0);
        ByteBuffer first = deflater.copyPayload(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
        deflater.recycle(first);
        ByteBuffer source = ByteBuffer.wrap(new byte[] {9, 8, 7});
        ByteBuffer second = deflater.copyPayload(source);
        assertThat(second).as("the recycled buffer").isSameAs(first);
        assertThat(second.position()).isZero();
        assertThat(second.remaining()).isEqualTo(3);
        assertThat(second.get(0)).isEqualTo((byte) 9);
        assertThat(second.get(2)).isEqualTo((byte) 7);
        assertThat(source.remaining()).as("the source is not consumed").isEqualTo(3);
        assertThat(deflater.copyPayload(source)).as("taken once, not handed out twice").isNotSameAs(first);

        deflater.recycle(second);
        assertThat(deflater.copyPayload(ByteBuffer.allocate(5))).as("too small for 5 bytes")
                .isNotSameAs(second);
        ByteBuffer large = deflater.copyPayload(ByteBuffer.allocate(MessageDeflater.REUSED_MAX + 1));
        deflater.recycle(large);
        assertThat(deflater.copyPayload(ByteBuffer.allocate(8))).as("over REUSED_MAX: not kept")
                .isNotSameAs(large);
        deflater.release();
    }

    @Test
    void payloadBuffersBelongToTheThread_soAnIdleDeflaterHoldsNone() throws Exception {
        MessageDeflater one = new MessageDeflater(false, 0);
        MessageDeflater other = new MessageDeflater(false, 0);
        try {
            String text = "caf\u00e9 ".repeat(40);
            ByteBuffer first = one.copyText(text, FrameWriter.utf8Length(text));
            assertThat(first.position()).isZero();
            assertThat(first.remaining()).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
            ByteBuffer frame = one.encode(FrameWriter.OP_TEXT, first, false, 0);
            one.recycle(first);
            MessageInflater inflater = new MessageInflater(false);
            assertThat(inflate(inflater, unmaskedPayload(frame))).isEqualTo(text);
            inflater.release();

            ByteBuffer next = other.copyPayload(ByteBuffer.wrap(new byte[] {7, 7, 7}));
            assertThat(next).as("another connection's deflater, same thread: the same buffer")
                    .isSameAs(first);
            other.recycle(next);
            ByteBuffer[] onAnotherThread = new ByteBuffer[1];
            Thread t = new Thread(() -> onAnotherThread[0] = one.copyText("x", 1));
            t.start();
            t.join();
            assertThat(onAnotherThread[0]).as("another thread never gets this thread's buffer")
                    .isNotSameAs(next);
            String again = "again";
            ByteBuffer reused = one.copyText(again, FrameWriter.utf8Length(again));
            assertThat(reused).as("text is encoded into the recycled buffer").isSameAs(next);
            assertThat(StandardCharsets.UTF_8.decode(reused.duplicate()).toString()).isEqualTo(again);
        } finally {
            one.release();
            other.release();
        }
    }

    @Test
    void aSharedWindowKeepsNoReferenceToTheLastPayload() throws Exception {
        MessageDeflater deflater = new MessageDeflater(false, 0);
        try {
            // over the recycled size, and never recycled: only the zlib stream could keep it
            byte[] payload = "a payload the stream must not keep. ".repeat(1000).getBytes(StandardCharsets.UTF_8);
            assertThat(payload.length).isGreaterThan(MessageDeflater.REUSED_MAX);
            deflater.encode(FrameWriter.OP_BINARY, ByteBuffer.wrap(payload), false, 0);
            assertThat(deflater.hasNativeState()).as("the window is kept between messages").isTrue();
            java.lang.ref.WeakReference<byte[]> ref = new java.lang.ref.WeakReference<>(payload);
            payload = null;
            for (int i = 0; i < 100 && ref.get() != null; i++) {
                System.gc();
                Thread.sleep(10);
            }
            assertThat(ref.get()).as("the payload after the message, collected").isNull();
        } finally {
            deflater.release();
        }
    }

    @Test
    void compressesExactlyWhatEncodeCompresses() {
        MessageDeflater deflater = new MessageDeflater(false, 10);
        try {
            assertThat(deflater.compresses(0)).isFalse();
            assertThat(deflater.compresses(9)).isFalse();
            assertThat(deflater.compresses(10)).isTrue();
            String under = "123456789";
            assertThat(hex(deflater.encode(FrameWriter.OP_TEXT,
                    ByteBuffer.wrap(under.getBytes(StandardCharsets.UTF_8)), false, 0)))
                    .as("under the threshold: the frame without deflate")
                    .isEqualTo(hex(FrameWriter.encodeText(under)));
            assertThat(new MessageDeflater(false, 0).compresses(1)).isTrue();
            assertThat(new MessageDeflater(false, 0).compresses(0)).isFalse();
        } finally {
            deflater.release();
        }
    }

    @Test
    void shouldBoundTheFrameEstimateForIncompressibleInput() {
        byte[] noise = new byte[200_000];
        new Random(3).nextBytes(noise);
        MessageDeflater deflater = new MessageDeflater(false, 0);
        ByteBuffer frame = deflater.encode(FrameWriter.OP_BINARY, ByteBuffer.wrap(noise), false, 0);
        assertThat((long) frame.remaining()).isLessThanOrEqualTo(MessageDeflater.maxFrameLength(noise.length));
        deflater.release();
    }

    static byte[] unmaskedPayload(ByteBuffer frame) {
        ByteBuffer f = frame.duplicate();
        f.get();
        int b1 = f.get() & 0xff;
        int len = b1 & 0x7f;
        if (len == 126) {
            len = f.getShort() & 0xffff;
        } else if (len == 127) {
            len = (int) f.getLong();
        }
        byte[] key = new byte[4];
        boolean masked = (b1 & 0x80) != 0;
        if (masked) {
            f.get(key);
        }
        byte[] payload = new byte[len];
        f.get(payload);
        for (int i = 0; masked && i < len; i++) {
            payload[i] ^= key[i & 3];
        }
        return payload;
    }

    private static String inflate(MessageInflater inflater, byte[] payload) throws ProtocolException {
        byte[] out = new byte[4096];
        int n = 0;
        inflater.input(payload, 0, payload.length);
        int r;
        while ((r = inflater.output(out, n, out.length - n)) > 0) {
            n += r;
        }
        inflater.inputEnd();
        while ((r = inflater.output(out, n, out.length - n)) > 0) {
            n += r;
        }
        inflater.messageEnd();
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }
}
