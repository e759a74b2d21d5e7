package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.internal.deflate.DeflateParams;
import io.lws4j.internal.deflate.PerMessageDeflate;
import io.lws4j.internal.frame.FrameReader;
import io.lws4j.internal.frame.FrameWriter;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Streamed receive (Protocol.streamingReceive): messages longer than maxMessageSize arrive in
 * bounded chunks, UTF-8 is validated across fragments, a frame over the bound is 1009, and a
 * permessage-deflate message arrives inflated.
 */
class StreamingReceiveTest {
    /** Joins the chunks of each message; records the chunk sizes. */
    static final class Streamer implements Protocol {
        final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final List<Integer> chunkSizes = new CopyOnWriteArrayList<>();
        final BlockingQueue<Integer> closed = new LinkedBlockingQueue<>();
        private ByteArrayOutputStream current = new ByteArrayOutputStream();
        volatile boolean wholeCalled;

        @Override
        public boolean streamingReceive() {
            return true;
        }

        @Override
        public void onTextFragment(Connection connection, ByteBuffer utf8, boolean last) {
            take(utf8);
            if (last) {
                messages.add(current.toString(StandardCharsets.UTF_8));
                current = new ByteArrayOutputStream();
            }
        }

        @Override
        public void onBinaryFragment(Connection connection, ByteBuffer data, boolean last) {
            take(data);
            if (last) {
                messages.add(current.toByteArray());
                current = new ByteArrayOutputStream();
            }
        }

        private void take(ByteBuffer chunk) {
            chunkSizes.add(chunk.remaining());
            byte[] b = new byte[chunk.remaining()];
            chunk.get(b);
            current.writeBytes(b);
        }

        @Override
        public void onText(Connection connection, String text) {
            wholeCalled = true;
        }

        @Override
        public void onBinary(Connection connection, ByteBuffer data) {
            wholeCalled = true;
        }

        @Override
        public void onClosed(Connection connection, int closeCode, String reason) {
            closed.add(closeCode);
        }

        Object next() throws InterruptedException {
            Object m = messages.poll(20, TimeUnit.SECONDS);
            assertThat(m).as("a message within 20 s").isNotNull();
            return m;
        }
    }

    private static final int MAX_MESSAGE = 4096;
    private final Streamer protocol = new Streamer();
    private Context context;
    private PerMessageDeflate clientCodec;

    @AfterEach
    void closeAll() {
        if (context != null) {
            context.close();
        }
        if (clientCodec != null) {
            clientCodec.release();
        }
    }

    private void start() {
        context = Context.builder().bindAddress("127.0.0.1").port(0).maxMessageSize(MAX_MESSAGE)
                .protocol("stream", protocol).build();
    }

    @Test
    void aJdkClientsFragmentedTextFarOverTheMessageLimitArrivesInChunks() throws Exception {
        start();
        JdkClient client = JdkClient.connect(context.port(), "stream");
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            String part = ("part " + i + " \u00e9\u20ac\ud83d\ude00 ").repeat(100); // < 4 KiB a frame
            expected.append(part);
            client.socket.sendText(part, i == 99).get(10, TimeUnit.SECONDS);
        }
        assertThat(expected.toString().getBytes(StandardCharsets.UTF_8).length)
                .isGreaterThan(40 * MAX_MESSAGE);
        assertThat((String) protocol.next()).isEqualTo(expected.toString());
        assertThat(protocol.chunkSizes).allMatch(n -> n <= FrameReader.STREAM_CHUNK);
        client.socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(10, TimeUnit.SECONDS);
        assertThat((byte[]) protocol.next()).containsExactly(1, 2, 3);
        assertThat(protocol.wholeCalled).as("no whole-message callback").isFalse();
        client.socket.sendClose(CloseCodes.NORMAL, "").get(10, TimeUnit.SECONDS);
        assertThat(protocol.closed.poll(10, TimeUnit.SECONDS)).isEqualTo(CloseCodes.NORMAL);
    }

    @Test
    void aUtf8SequenceSplitAcrossFragmentsIsValidAndAnEmptyLastFragmentEndsTheMessage()
            throws Exception {
        start();
        try (RawClient client = new RawClient(context.port())) {
            assertThat(client.handshake()).startsWith("HTTP/1.1 101");
            byte[] euro = "\u20ac".getBytes(StandardCharsets.UTF_8); // E2 82 AC
            client.sendFrame(FrameWriter.OP_TEXT, false, new byte[] {'a', euro[0]});
            client.sendFrame(FrameWriter.OP_CONTINUATION, false, new byte[] {euro[1]});
            client.sendFrame(FrameWriter.OP_CONTINUATION, false, new byte[] {euro[2], 'b'});
            client.sendFrame(FrameWriter.OP_CONTINUATION, true, new byte[0]);
            assertThat((String) protocol.next()).isEqualTo("a\u20acb");
        }
    }

    @Test
    void invalidUtf8AcrossFragmentsIs1007() throws Exception {
        start();
        try (RawClient client = new RawClient(context.port())) {
            assertThat(client.handshake()).startsWith("HTTP/1.1 101");
            client.sendFrame(FrameWriter.OP_TEXT, false, new byte[] {'a', (byte) 0xE2});
            client.sendFrame(FrameWriter.OP_CONTINUATION, true, new byte[] {'b'});
            assertThat(client.readUntilClose().closeCode()).isEqualTo(CloseCodes.INVALID_PAYLOAD);
        }
    }

    @Test
    void aTextMessageEndingInsideASequenceIs1007() throws Exception {
        start();
        try (RawClient client = new RawClient(context.port())) {
            assertThat(client.handshake()).startsWith("HTTP/1.1 101");
            client.sendFrame(FrameWriter.OP_TEXT, false, new byte[] {'a'});
            client.sendFrame(FrameWriter.OP_CONTINUATION, true, new byte[] {(byte) 0xE2, (byte) 0x82});
            assertThat(client.readUntilClose().closeCode()).isEqualTo(CloseCodes.INVALID_PAYLOAD);
        }
    }

    @Test
    void aSingleFrameOverTheLimitIs1009() throws Exception {
        start();
        try (RawClient client = new RawClient(context.port())) {
            assertThat(client.handshake()).startsWith("HTTP/1.1 101");
            client.sendFrame(FrameWriter.OP_BINARY, true, new byte[MAX_MESSAGE + 1]);
            assertThat(client.readUntilClose().closeCode()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
        }
    }

    @Test
    void aCompressedMessageArrivesInflatedInBoundedChunks() throws Exception {
        start();
        try (RawClient client = new RawClient(context.port())) {
            client.send(RawClient.upgradeRequest("Sec-WebSocket-Extensions: permessage-deflate\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(client.readHead()).startsWith("HTTP/1.1 101").contains("permessage-deflate");
            clientCodec = PerMessageDeflate.create(new DeflateParams(false, false, 0), false, 0);
            Random random = new Random(19);
            StringBuilder sb = new StringBuilder();
            while (sb.length() < 300_000) { // inflates far past the 4 KiB limit and one chunk
                sb.append("word").append(random.nextInt(50)).append(" \u00e9t\u00e9 ");
            }
            String text = sb.toString();
            ByteBuffer whole = clientCodec.deflater().encode(FrameWriter.OP_TEXT,
                    ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), false, 0);
            byte[] payload = DeflateTestFrames.payloadOf(whole);
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            int step = MAX_MESSAGE / 2; // each compressed frame within the frame bound
            for (int from = 0; from < payload.length; from += step) {
                int to = Math.min(payload.length, from + step);
                wire.writeBytes(DeflateTestFrames.masked(from == 0 ? FrameWriter.OP_TEXT
                        : FrameWriter.OP_CONTINUATION, to == payload.length, from == 0,
                        payload, from, to));
            }
            client.send(wire.toByteArray());
            assertThat(((String) protocol.next()).equals(text)).as("inflated text equals").isTrue();
            assertThat(protocol.chunkSizes).allMatch(n -> n <= FrameReader.STREAM_CHUNK);
            assertThat(protocol.chunkSizes.size()).isGreaterThan(1);
        }
    }
}
