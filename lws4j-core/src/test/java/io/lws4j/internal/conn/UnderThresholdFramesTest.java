package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.internal.deflate.DeflateParams;
import io.lws4j.internal.deflate.PerMessageDeflate;
import io.lws4j.internal.frame.FrameReader;
import io.lws4j.internal.frame.FrameWriter;
import io.lws4j.internal.frame.MessageSink;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Messages under the compression threshold on a permessage-deflate connection: queued as
 * frames at once, never as messages waiting for the deflater, byte for byte the frames a
 * connection without permessage-deflate sends, and in order behind compressed messages
 * queued before them, from the service thread and from other threads.
 */
class UnderThresholdFramesTest {

    private static final int THRESHOLD = 100;
    private static final String SMALL_1 = "small one";
    private static final String SMALL_2 = "small two, \u00e9\u20ac";
    private static final String SMALL_3 = "";
    private static final byte[] SMALL_BINARY = {1, 2, 3, 4, 5};

    private Context context;
    /** What the protocol saw of the outbound queue, by step name. */
    private final Map<String, Boolean> pendingAfter = new ConcurrentHashMap<>();

    @AfterEach
    void closeContext() {
        if (context != null) {
            context.close();
        }
    }

    private static String big(int seed) {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 3 * THRESHOLD) {
            sb.append("record ").append(seed).append(" at ").append(sb.length()).append("; ");
        }
        return sb.toString();
    }

    /** Writes the mixed sequence from the service thread, or hands it to another thread. */
    private Protocol mixedWriter() {
        return new Protocol() {
            @Override
            public void onText(Connection connection, String text) {
                ConnectionImpl c = (ConnectionImpl) connection;
                if (text.equals("service")) {
                    c.writeText(SMALL_1);
                    pendingAfter.put("small first", c.outbound.hasPending());
                    c.writeText(big(1));
                    c.writeText(SMALL_2);
                    c.writeBinary(ByteBuffer.wrap(SMALL_BINARY));
                    pendingAfter.put("small behind big", c.outbound.hasPending());
                    c.writeText(big(2));
                    c.writeText(SMALL_3);
                } else {
                    Thread sender = new Thread(() -> {
                        connection.sendText(SMALL_1);
                        connection.sendText(big(1));
                        connection.sendText(SMALL_2);
                        connection.sendBinary(ByteBuffer.wrap(SMALL_BINARY));
                        connection.sendText(big(2));
                        connection.sendText(SMALL_3);
                    }, "under-threshold-sender");
                    sender.start();
                }
            }

            @Override
            public int compressionThreshold() {
                return THRESHOLD;
            }
        };
    }

    private int start() {
        context = Context.builder().bindAddress("127.0.0.1").port(0).protocol("mixed", mixedWriter()).build();
        return context.port();
    }

    private static RawClient deflateClient(int port) throws IOException {
        RawClient client = new RawClient(port);
        client.send(RawClient.upgradeRequest("Sec-WebSocket-Extensions: permessage-deflate\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(client.readHead()).startsWith("HTTP/1.1 101")
                .containsIgnoringCase("Sec-WebSocket-Extensions: permessage-deflate");
        return client;
    }

    private static byte[] readFrame(RawClient client) throws IOException {
        DataInputStream in = new DataInputStream(client.input());
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        int len = b1 & 0x7f;
        ByteBuffer frame;
        if (len == 126) {
            len = in.readUnsignedShort();
            frame = ByteBuffer.allocate(4 + len).put((byte) b0).put((byte) b1).putShort((short) len);
        } else {
            assertThat(len).as("test messages stay under 64 KiB").isLessThan(127);
            frame = ByteBuffer.allocate(2 + len).put((byte) b0).put((byte) b1);
        }
        byte[] payload = new byte[len];
        in.readFully(payload);
        return frame.put(payload).array();
    }

    private static byte[] bytes(ByteBuffer frame) {
        byte[] b = new byte[frame.remaining()];
        frame.duplicate().get(b);
        return b;
    }

    /** Collects what a client-side reader decodes. */
    private static final class Decoded implements MessageSink {
        final List<String> messages = new ArrayList<>();

        @Override
        public void onText(String text) {
            messages.add("text:" + text);
        }

        @Override
        public void onBinary(ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            messages.add("binary:" + java.util.Arrays.toString(b));
        }

        @Override
        public void onPing(ByteBuffer payload) {
        }

        @Override
        public void onPong(ByteBuffer payload) {
        }

        @Override
        public void onClose(int code, String reason) {
        }
    }

    /** Reads the six frames of the sequence and checks them on the wire and decoded. */
    private static void expectTheSequence(RawClient client) throws Exception {
        PerMessageDeflate clientCodec = PerMessageDeflate.create(new DeflateParams(false, false, 0), false, 0);
        try {
            byte[][] frames = new byte[6][];
            for (int i = 0; i < frames.length; i++) {
                frames[i] = readFrame(client);
            }
            assertThat(frames[0]).as("small text: the frame without deflate")
                    .isEqualTo(bytes(FrameWriter.encodeText(SMALL_1)));
            assertThat(frames[1][0] & 0x40).as("RSV1 of the big text").isEqualTo(0x40);
            assertThat(frames[2]).as("small text behind a compressed one")
                    .isEqualTo(bytes(FrameWriter.encodeText(SMALL_2)));
            assertThat(frames[3]).as("small binary")
                    .isEqualTo(bytes(FrameWriter.encode(FrameWriter.OP_BINARY, ByteBuffer.wrap(SMALL_BINARY))));
            assertThat(frames[4][0] & 0x40).as("RSV1 of the second big text").isEqualTo(0x40);
            assertThat(frames[5]).as("empty text").isEqualTo(bytes(FrameWriter.encodeText(SMALL_3)));
            Decoded decoded = new Decoded();
            FrameReader reader = new FrameReader(decoded, 1 << 20, false, clientCodec.inflater());
            for (byte[] f : frames) {
                reader.read(ByteBuffer.wrap(f));
            }
            assertThat(decoded.messages).as("decoded with one shared window, in order").containsExactly(
                    "text:" + SMALL_1, "text:" + big(1), "text:" + SMALL_2,
                    "binary:" + java.util.Arrays.toString(SMALL_BINARY), "text:" + big(2), "text:" + SMALL_3);
        } finally {
            clientCodec.release();
        }
    }

    @Test
    void fromTheServiceThread_smallMessagesAreFramedAtOnceAndKeepTheirPlace() throws Exception {
        try (RawClient client = deflateClient(start())) {
            client.sendText("service");
            expectTheSequence(client);
        }
        assertThat(pendingAfter).as("pending messages after each step").containsOnly(
                Map.entry("small first", false), Map.entry("small behind big", true));
    }

    @Test
    void fromAnotherThread_smallMessagesAreFramedAtOnceAndKeepTheirPlace() throws Exception {
        try (RawClient client = deflateClient(start())) {
            client.sendText("other thread");
            expectTheSequence(client);
        }
    }

    @Test
    void aSmallMessageAloneNeverWaitsForTheDeflater() throws Exception {
        CountDownLatch written = new CountDownLatch(1);
        context = Context.builder().bindAddress("127.0.0.1").port(0).protocol("small", new Protocol() {
            @Override
            public void onText(Connection connection, String text) {
                ConnectionImpl c = (ConnectionImpl) connection;
                c.writeBinary(ByteBuffer.wrap(SMALL_BINARY));
                pendingAfter.put("binary", c.outbound.hasPending());
                c.writeText(text);
                pendingAfter.put("text", c.outbound.hasPending());
                written.countDown();
            }

            @Override
            public int compressionThreshold() {
                return THRESHOLD;
            }
        }).build();
        try (RawClient client = deflateClient(context.port())) {
            client.sendText("echo me");
            assertThat(written.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(readFrame(client)).isEqualTo(
                    bytes(FrameWriter.encode(FrameWriter.OP_BINARY, ByteBuffer.wrap(SMALL_BINARY))));
            assertThat(readFrame(client)).isEqualTo(bytes(FrameWriter.encodeText("echo me")));
        }
        assertThat(pendingAfter).containsOnly(Map.entry("binary", false), Map.entry("text", false));
    }
}
