package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.internal.frame.FrameWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** End-to-end websocket behaviour through real sockets on 127.0.0.1. */
class WebSocketServerTest {

    private final RecordingProtocol protocol = new RecordingProtocol();
    private Context context;

    private Context start(Context.Builder builder) {
        context = builder.bindAddress("127.0.0.1").port(0).protocol("echo", protocol).build();
        return context;
    }

    private Context start() {
        return start(Context.builder());
    }

    @AfterEach
    void closeContext() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void shouldEchoTextAndBinaryToTheJdkClient() throws Exception {
        start();
        JdkClient client = JdkClient.connect(context.port(), "echo");
        assertThat(client.socket.getSubprotocol()).isEqualTo("echo");
        client.socket.sendText("hello \u00e9\u20ac\ud83d\ude00", true).get(5, TimeUnit.SECONDS);
        assertThat(client.nextMessage()).isEqualTo("hello \u00e9\u20ac\ud83d\ude00");
        client.socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(5, TimeUnit.SECONDS);
        assertThat((byte[]) client.nextMessage()).containsExactly(1, 2, 3);
        Connection c = protocol.awaitEstablished();
        assertThat(c.protocolName()).isEqualTo("echo");
        assertThat(c.isOpen()).isTrue();
        assertThat(c.remoteAddress().getAddress().isLoopbackAddress()).isTrue();
        client.socket.sendClose(CloseCodes.NORMAL, "bye").get(5, TimeUnit.SECONDS);
        assertThat(client.awaitClose().code()).isEqualTo(CloseCodes.NORMAL);
        RecordingProtocol.Closed closed = protocol.awaitClosed();
        assertThat(closed.code()).isEqualTo(CloseCodes.NORMAL);
        assertThat(closed.reason()).isEqualTo("bye");
        assertThat(closed.onServiceThread()).isTrue();
        assertThat(c.isOpen()).isFalse();
    }

    @Test
    void shouldEchoA16MiBBinaryMessage() throws Exception {
        start(Context.builder().maxMessageSize(17 << 20));
        JdkClient client = JdkClient.connect(context.port(), null);
        byte[] big = new byte[16 << 20];
        new Random(7).nextBytes(big);
        client.socket.sendBinary(ByteBuffer.wrap(big), true).get(10, TimeUnit.SECONDS);
        Object echoed = client.messages.poll(20, TimeUnit.SECONDS);
        assertThat(echoed).isInstanceOf(byte[].class);
        assertThat(Arrays.equals((byte[]) echoed, big)).isTrue();
    }

    @Test
    void aLargeMessageABorrowerWritesWithoutTheRoleIsNotSplitByAPongSentWhileItsRestWaits()
            throws Exception {
        start(Context.builder());
        byte[] big = new byte[16 << 20]; // far more than loopback socket buffers hold
        new Random(11).nextBytes(big);
        try (RawClient client = new RawClient(context.port(), 30_000)) {
            assertThat(client.handshake()).startsWith("HTTP/1.1 101");
            ConnectionInternals c = (ConnectionInternals) protocol.established.poll(5, TimeUnit.SECONDS);
            assertThat(c).isNotNull();
            // Only a borrower of the loop's role writes after giving the role back: post until
            // this thread finds the loop idle and runs the write itself.
            Thread me = Thread.currentThread();
            boolean written = false;
            for (int attempt = 0; attempt < 500 && !written; attempt++) {
                CompletableFuture<Boolean> borrowed = new CompletableFuture<>();
                c.executeOrServe(() -> {
                    boolean lent = Thread.currentThread() == me;
                    if (lent) {
                        c.writeBinary(ByteBuffer.wrap(big));
                    }
                    borrowed.complete(lent);
                });
                written = borrowed.get(5, TimeUnit.SECONDS);
                if (!written) {
                    Thread.sleep(10);
                }
            }
            assertThat(written).as("this thread borrowed the idle loop and wrote").isTrue();
            // not read yet: the message is partly written and its rest queued when the ping lands
            client.sendFrame(FrameWriter.OP_PING, true, new byte[] {4, 2});
            RawClient.Frame message = client.readFrame();
            assertThat(message.opcode()).isEqualTo(FrameWriter.OP_BINARY);
            assertThat(message.fin()).isTrue();
            assertThat(Arrays.equals(message.payload(), big)).as("the message arrived intact").isTrue();
            RawClient.Frame pong = client.readFrame();
            assertThat(pong.opcode()).isEqualTo(FrameWriter.OP_PONG);
            assertThat(pong.payload()).containsExactly(4, 2);
        }
    }

    @Test
    void binaryMessagesArriveIntactWhenMoreAreQueuedThanTheLoopKeepsDirectBuffersFor()
            throws Exception {
        start(Context.builder().maxOutboundBytes(64 << 20));
        // on both sides of 512 B (the least payload framed directly) and of each buffer size
        int[] sizes = {4096, 65536, 300, 511, 512, 8188, 8189, 20_000};
        int count = 2000; // about 27 MB: more frames than the loop keeps buffers for wait at once
        Random random = new Random(13);
        byte[][] sent = new byte[count][];
        byte[][] expected = new byte[count][];
        for (int i = 0; i < count; i++) {
            sent[i] = new byte[sizes[i % sizes.length]];
            random.nextBytes(sent[i]);
            expected[i] = sent[i].clone();
        }
        try (RawClient client = new RawClient(context.port(), 30_000)) {
            assertThat(client.handshake()).startsWith("HTTP/1.1 101");
            ConnectionImpl c = (ConnectionImpl) protocol.established.poll(5, TimeUnit.SECONDS);
            assertThat(c).isNotNull();
            CompletableFuture<Boolean> queued = new CompletableFuture<>();
            c.execute(() -> {
                boolean all = true;
                for (byte[] m : sent) {
                    ByteBuffer b = ByteBuffer.wrap(m);
                    all &= c.writeBinary(b) && b.remaining() == m.length;
                    Arrays.fill(m, (byte) 0); // the caller reuses its buffer at once
                }
                queued.complete(all);
            });
            assertThat(queued.get(5, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < count; i++) {
                RawClient.Frame f = client.readFrame();
                assertThat(f.opcode()).isEqualTo(FrameWriter.OP_BINARY);
                assertThat(Arrays.equals(f.payload(), expected[i]))
                        .as("message %d of %d bytes", i, expected[i].length).isTrue();
            }
            CompletableFuture<Integer> inUse = new CompletableFuture<>();
            c.execute(() -> inUse.complete(c.loop().frameBuffers().inUse()));
            assertThat(inUse.get(5, TimeUnit.SECONDS)).as("every direct buffer came back once written")
                    .isZero();
        }
    }

    @Test
    void theDirectBuffersOfFramesStillQueuedComeBackWhenThePeerVanishes() throws Exception {
        start(Context.builder().maxOutboundBytes(64 << 20));
        byte[] blocker = new byte[32 << 20]; // a heap frame no socket buffer holds whole
        byte[] message = new byte[4096];
        ConnectionImpl c;
        try (RawClient client = new RawClient(context.port(), 30_000)) {
            assertThat(client.handshake()).startsWith("HTTP/1.1 101");
            c = (ConnectionImpl) protocol.established.poll(5, TimeUnit.SECONDS);
            assertThat(c).isNotNull();
            CompletableFuture<Integer> queued = new CompletableFuture<>();
            c.execute(() -> {
                c.writeBinary(ByteBuffer.wrap(blocker));
                for (int i = 0; i < 100; i++) { // queued behind it until the peer reads
                    c.writeBinary(ByteBuffer.wrap(message));
                }
                queued.complete(c.loop().frameBuffers().inUse());
            });
            assertThat(queued.get(5, TimeUnit.SECONDS)).as("frames wait in direct buffers").isEqualTo(100);
        } // closed without reading or a close frame
        assertThat(protocol.awaitClosed().code()).isEqualTo(CloseCodes.ABNORMAL);
        CompletableFuture<Integer> inUse = new CompletableFuture<>();
        c.loop().execute(() -> inUse.complete(c.loop().frameBuffers().inUse()));
        assertThat(inUse.get(5, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void shouldReassembleFragmentedTextWithInterleavedPing() throws Exception {
        start();
        try (RawClient client = new RawClient(context.port())) {
            assertThat(client.handshake()).startsWith("HTTP/1.1 101");
            byte[] euro = "\u20ac".getBytes(StandardCharsets.UTF_8); // split inside a code point
            client.sendFrame(FrameWriter.OP_TEXT, false, new byte[] {'a', euro[0]});
            client.sendFrame(FrameWriter.OP_PING, true, new byte[] {9, 8});
            client.sendFrame(FrameWriter.OP_CONTINUATION, false, new byte[] {euro[1], euro[2]});
            client.sendFrame(FrameWriter.OP_CONTINUATION, true, "z".getBytes(StandardCharsets.UTF_8));
            RawClient.Frame pong = client.readFrame();
            assertThat(pong.opcode()).isEqualTo(FrameWriter.OP_PONG);
            assertThat(pong.payload()).containsExactly(9, 8);
            RawClient.Frame echo = client.readFrame();
            assertThat(echo.opcode()).isEqualTo(FrameWriter.OP_TEXT);
            assertThat(echo.fin()).isTrue();
            assertThat(echo.text()).isEqualTo("a\u20acz");
        }
    }

    @Test
    void shouldReplyToPeerCloseWithTheSameCodeThenCloseTcp() throws Exception {
        start();
        try (RawClient client = new RawClient(context.port())) {
            client.handshake();
            client.sendText("last");
            client.sendClose(4000, "done");
            assertThat(client.readFrame().text()).isEqualTo("last"); // queued data goes first
            RawClient.Frame close = client.readFrame();
            assertThat(close.opcode()).isEqualTo(FrameWriter.OP_CLOSE);
            assertThat(close.closeCode()).isEqualTo(4000);
            assertThat(client.isClosedByServer()).isTrue();
        }
        RecordingProtocol.Closed closed = protocol.awaitClosed();
        assertThat(closed.code()).isEqualTo(4000);
        assertThat(closed.reason()).isEqualTo("done");
    }

    @Test
    void shouldReplyWith1000ToAnEmptyClose() throws Exception {
        start();
        try (RawClient client = new RawClient(context.port())) {
            client.handshake();
            client.sendFrame(FrameWriter.OP_CLOSE, true, new byte[0]);
            assertThat(client.readUntilClose().closeCode()).isEqualTo(CloseCodes.NORMAL);
        }
        assertThat(protocol.awaitClosed().code()).isEqualTo(CloseCodes.NO_STATUS);
    }

    @Test
    void shouldSendServerCloseAfterQueuedDataAndWaitForThePeer() throws Exception {
        start();
        protocol.textHandler = (c, text) -> {
            c.writeText("before close");
            c.close(4001, "server says bye");
            assertThat(c.writeText("after close")).isFalse();
        };
        JdkClient client = JdkClient.connect(context.port(), null);
        client.socket.sendText("go", true);
        assertThat(client.nextMessage()).isEqualTo("before close");
        JdkClient.CloseEvent event = client.awaitClose();
        assertThat(event.code()).isEqualTo(4001);
        assertThat(event.reason()).isEqualTo("server says bye");
        client.socket.sendClose(event.code(), "");
        RecordingProtocol.Closed closed = protocol.awaitClosed();
        assertThat(closed.code()).isEqualTo(4001);
    }

    @Test
    void shouldCloseWith1002OnAnUnmaskedFrame() throws Exception {
        start();
        try (RawClient client = new RawClient(context.port())) {
            client.handshake();
            ByteBuffer frame = FrameWriter.encode(FrameWriter.OP_TEXT, ByteBuffer.wrap(new byte[] {'x'}));
            byte[] bytes = new byte[frame.remaining()];
            frame.get(bytes);
            client.send(bytes);
            assertThat(client.readUntilClose().closeCode()).isEqualTo(CloseCodes.PROTOCOL_ERROR);
            assertThat(client.isClosedByServer()).isTrue();
        }
        assertThat(protocol.awaitClosed().code()).isEqualTo(CloseCodes.PROTOCOL_ERROR);
    }

    @Test
    void shouldStillEchoTheValidMessageThatPrecededABadFrame() throws Exception {
        start();
        try (RawClient client = new RawClient(context.port())) {
            client.handshake();
            ByteBuffer good = FrameWriter.encodeMasked(FrameWriter.OP_TEXT, true,
                    ByteBuffer.wrap("valid".getBytes(StandardCharsets.UTF_8)), 0x0badf00d);
            byte[] both = new byte[good.remaining() + 2];
            good.get(both, 0, good.remaining());
            both[both.length - 2] = (byte) 0x83; // reserved opcode 3 after the valid frame
            both[both.length - 1] = (byte) 0x80; // masked, empty, but its mask is never sent
            client.send(both);
            assertThat(client.readFrame().text()).isEqualTo("valid");
            assertThat(client.readFrame().closeCode()).isEqualTo(CloseCodes.PROTOCOL_ERROR);
        }
    }

    @Test
    void shouldCloseWith1007OnInvalidUtf8() throws Exception {
        start();
        try (RawClient client = new RawClient(context.port())) {
            client.handshake();
            client.sendFrame(FrameWriter.OP_TEXT, true, new byte[] {'o', 'k', (byte) 0xc3, (byte) 0x28});
            assertThat(client.readUntilClose().closeCode()).isEqualTo(CloseCodes.INVALID_PAYLOAD);
        }
        assertThat(protocol.awaitClosed().code()).isEqualTo(CloseCodes.INVALID_PAYLOAD);
    }

    @Test
    void shouldCloseWith1009OnATooBigMessage() throws Exception {
        start(Context.builder().maxMessageSize(1000));
        try (RawClient client = new RawClient(context.port())) {
            client.handshake();
            client.sendFrame(FrameWriter.OP_BINARY, true, new byte[1001]);
            assertThat(client.readUntilClose().closeCode()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
        }
        assertThat(protocol.awaitClosed().code()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
    }

    @Test
    void shouldReport1006WhenThePeerDropsWithoutClose() throws Exception {
        start();
        try (RawClient client = new RawClient(context.port())) {
            client.handshake();
            protocol.awaitEstablished();
        }
        assertThat(protocol.awaitClosed().code()).isEqualTo(CloseCodes.ABNORMAL);
    }

    @Test
    void shouldCloseWith1011WhenACallbackThrows() throws Exception {
        start();
        protocol.textHandler = (c, text) -> {
            throw new IllegalStateException("callback failure (expected by the test)");
        };
        try (RawClient client = new RawClient(context.port())) {
            client.handshake();
            client.sendText("boom");
            assertThat(client.readUntilClose().closeCode()).isEqualTo(CloseCodes.INTERNAL_ERROR);
        }
        assertThat(protocol.awaitClosed().code()).isEqualTo(CloseCodes.INTERNAL_ERROR);
    }

    @Test
    void shouldPassBytesAfterThe101RequestHeadToTheFrameReader() throws Exception {
        start();
        try (RawClient client = new RawClient(context.port())) {
            ByteBuffer frame = FrameWriter.encodeMasked(FrameWriter.OP_TEXT, true,
                    ByteBuffer.wrap("early".getBytes(StandardCharsets.UTF_8)), 0x01020304);
            byte[] head = RawClient.upgradeRequest("").getBytes(StandardCharsets.US_ASCII);
            byte[] both = Arrays.copyOf(head, head.length + frame.remaining());
            frame.get(both, head.length, frame.remaining());
            client.send(both);
            assertThat(client.readHead()).startsWith("HTTP/1.1 101");
            assertThat(client.readFrame().text()).isEqualTo("early");
        }
    }

    @Test
    void shouldRefuseBadHandshakesWithTheRightStatus() throws Exception {
        start();
        String missingKey = "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        String badVersion = RawClient.upgradeRequest("").replace("Version: 13", "Version: 8");
        String garbage = "NOT HTTP AT ALL\r\n\r\n";
        String plainGet = "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n";
        assertThat(statusOf(missingKey)).isEqualTo(400);
        assertThat(statusOf(badVersion)).isEqualTo(426);
        assertThat(statusOf(garbage)).isEqualTo(400);
        assertThat(statusOf(plainGet)).isEqualTo(404);
        assertThat(protocol.established).isEmpty();
    }

    private int statusOf(String request) throws Exception {
        try (RawClient client = new RawClient(context.port())) {
            client.send(request.getBytes(StandardCharsets.US_ASCII));
            String head = client.readHead();
            return Integer.parseInt(head.substring(9, 12));
        }
    }

    @Test
    void shouldRefuseWritesOffTheServiceThread() throws Exception {
        start();
        JdkClient.connect(context.port(), null);
        Connection c = protocol.awaitEstablished();
        assertThatThrownBy(() -> c.writeText("x")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(c::callbackOnWritable).isInstanceOf(IllegalStateException.class);
        CompletableFuture<Boolean> wrote = new CompletableFuture<>();
        assertThat(c.execute(() -> wrote.complete(c.writeText("from execute")))).isTrue();
        assertThat(wrote.get(5, TimeUnit.SECONDS)).isTrue();
    }
}
