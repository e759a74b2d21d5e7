package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.CloseCodes;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.internal.deflate.DeflateParams;
import io.lws4j.internal.deflate.PerMessageDeflate;
import io.lws4j.internal.frame.FrameReader;
import io.lws4j.internal.frame.FrameWriter;
import io.lws4j.internal.frame.MessageSink;
import io.lws4j.internal.frame.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * permessage-deflate through a real socket: a raw client that compresses with the same codec
 * in the client role (masked frames, the client's takeover flag) and checks the server's
 * frames byte by byte.
 */
class DeflateEndToEndTest {

    private final RecordingProtocol protocol = new RecordingProtocol();
    private Context context;
    private PerMessageDeflate clientCodec;

    /** One frame as it came off the wire, plus what the client-side reader decoded. */
    private record WireFrame(boolean rsv1, int opcode, int payloadLength, byte[] bytes) {
    }

    @AfterEach
    void closeAll() {
        if (context != null) {
            context.close();
        }
        if (clientCodec != null) {
            clientCodec.release();
        }
    }

    private void start(Context.Builder builder, Protocol p) {
        context = builder.bindAddress("127.0.0.1").port(0).protocol("echo", p).build();
    }

    private static String handshake(RawClient client, String extensions) throws IOException {
        client.send(RawClient.upgradeRequest(extensions == null ? ""
                : "Sec-WebSocket-Extensions: " + extensions + "\r\n").getBytes(StandardCharsets.US_ASCII));
        return client.readHead();
    }

    private static String extensionHeader(String head) {
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "Sec-WebSocket-Extensions:", 0, 25)) {
                return line.substring(25).strip();
            }
        }
        return null;
    }

    private static WireFrame readWireFrame(RawClient client) throws IOException {
        DataInputStream in = new DataInputStream(client.input());
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        frame.write(b0);
        frame.write(b1);
        long len = b1 & 0x7f;
        if (len == 126) {
            len = in.readUnsignedShort();
            frame.write((int) (len >> 8));
            frame.write((int) len);
        } else if (len == 127) {
            len = in.readLong();
            frame.writeBytes(ByteBuffer.allocate(8).putLong(len).array());
        }
        byte[] payload = new byte[Math.toIntExact(len)];
        in.readFully(payload);
        frame.writeBytes(payload);
        return new WireFrame((b0 & 0x40) != 0, b0 & 0x0f, payload.length, frame.toByteArray());
    }

    private void sendCompressed(RawClient client, int opcode, byte[] message) throws IOException {
        ByteBuffer frame = clientCodec.deflater().encode(opcode, ByteBuffer.wrap(message), true, 0x6d2a91f3);
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        client.send(bytes);
    }

    /** Collects what the client-side reader decodes. */
    private static final class Collected implements MessageSink {
        final List<Object> messages = new ArrayList<>();

        @Override
        public void onText(String text) {
            messages.add(text);
        }

        @Override
        public void onBinary(ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            messages.add(b);
        }

        @Override
        public void onPing(ByteBuffer payload) {
        }

        @Override
        public void onPong(ByteBuffer payload) {
        }

        @Override
        public void onClose(int code, String reason) {
            messages.add("close " + code);
        }
    }

    @Test
    void shouldNegotiateAndEchoCompressedMessagesSharingTheWindow() throws Exception {
        start(Context.builder(), protocol);
        try (RawClient client = new RawClient(context.port())) {
            String head = handshake(client, "permessage-deflate; client_max_window_bits");
            assertThat(head).startsWith("HTTP/1.1 101");
            assertThat(extensionHeader(head)).isEqualTo("permessage-deflate");
            clientCodec = PerMessageDeflate.create(new DeflateParams(false, false, 0), false, 0);
            Collected decoded = new Collected();
            FrameReader clientReader = new FrameReader(decoded, 1 << 20, false, clientCodec.inflater());

            String text = "The quick brown fox jumps over the lazy dog. ".repeat(200);
            byte[] binary = new byte[20_000];
            for (int i = 0; i < binary.length; i++) {
                binary[i] = (byte) (i % 7);
            }
            List<WireFrame> frames = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                sendCompressed(client, FrameWriter.OP_TEXT, text.getBytes(StandardCharsets.UTF_8));
                sendCompressed(client, FrameWriter.OP_BINARY, binary);
                for (int i = 0; i < 2; i++) {
                    WireFrame f = readWireFrame(client);
                    frames.add(f);
                    clientReader.read(ByteBuffer.wrap(f.bytes()));
                }
            }
            assertThat(frames).allMatch(WireFrame::rsv1, "RSV1 set on every echoed message");
            assertThat(frames.get(0).payloadLength()).isLessThan(text.length() / 10);
            // the third text echo refers to the window the first two left behind
            assertThat(frames.get(4).payloadLength()).isLessThan(frames.get(0).payloadLength());
            assertThat(decoded.messages).hasSize(6);
            for (int i = 0; i < 6; i += 2) {
                assertThat(decoded.messages.get(i)).isEqualTo(text);
                assertThat((byte[]) decoded.messages.get(i + 1)).isEqualTo(binary);
            }

            client.sendText("tiny");
            WireFrame tiny = readWireFrame(client);
            assertThat(tiny.rsv1()).as("under the threshold: uncompressed even with a shared window").isFalse();
            clientReader.read(ByteBuffer.wrap(tiny.bytes()));
            assertThat(decoded.messages).last().isEqualTo("tiny");
            // the window skipped "tiny": the next compressed echo still decodes with the
            // shared window, and still refers back to it
            sendCompressed(client, FrameWriter.OP_TEXT, text.getBytes(StandardCharsets.UTF_8));
            WireFrame after = readWireFrame(client);
            assertThat(after.rsv1()).isTrue();
            assertThat(after.payloadLength()).isLessThan(frames.get(0).payloadLength());
            clientReader.read(ByteBuffer.wrap(after.bytes()));
            assertThat(decoded.messages).last().isEqualTo(text);

            client.sendClose(CloseCodes.NORMAL, "");
            assertThat(client.readUntilClose().closeCode()).isEqualTo(CloseCodes.NORMAL);
        }
    }

    @Test
    void shouldHonourNoContextTakeoverInBothDirections() throws Exception {
        start(Context.builder().compressionThreshold(100), protocol);
        try (RawClient client = new RawClient(context.port())) {
            String head = handshake(client,
                    "permessage-deflate; server_max_window_bits=10, "
                            + "permessage-deflate; server_no_context_takeover; client_no_context_takeover");
            assertThat(extensionHeader(head)).isEqualTo(
                    "permessage-deflate; server_no_context_takeover; client_no_context_takeover");
            clientCodec = PerMessageDeflate.create(new DeflateParams(true, true, 0), false, 0);
            String text = "no context takeover, no context takeover, no context takeover".repeat(5);
            sendCompressed(client, FrameWriter.OP_TEXT, text.getBytes(StandardCharsets.UTF_8));
            sendCompressed(client, FrameWriter.OP_TEXT, text.getBytes(StandardCharsets.UTF_8));
            WireFrame first = readWireFrame(client);
            WireFrame second = readWireFrame(client);
            assertThat(first.rsv1()).isTrue();
            assertThat(second.bytes()).as("the window was reset: same input, same bytes").isEqualTo(first.bytes());
            client.sendText("tiny");
            WireFrame tiny = readWireFrame(client);
            assertThat(tiny.rsv1()).as("with a fresh window short messages go uncompressed").isFalse();
            assertThat(new String(tiny.bytes(), 2, 4, StandardCharsets.UTF_8)).isEqualTo("tiny");
        }
    }

    @Test
    void shouldCloseWith1009WhenACompressedMessageInflatesPastTheLimit() throws Exception {
        start(Context.builder().maxMessageSize(64 * 1024), protocol);
        try (RawClient client = new RawClient(context.port())) {
            handshake(client, "permessage-deflate");
            clientCodec = PerMessageDeflate.create(new DeflateParams(false, false, 0), false, 0);
            sendCompressed(client, FrameWriter.OP_BINARY, new byte[16 << 20]); // about 16 KiB on the wire
            assertThat(client.readUntilClose().closeCode()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
            assertThat(protocol.awaitClosed().code()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
        }
    }

    @Test
    void shouldCloseWith1002OnRsv1WhenDeflateWasNotNegotiated() throws Exception {
        start(Context.builder().permessageDeflate(false), protocol);
        try (RawClient client = new RawClient(context.port())) {
            String head = handshake(client, "permessage-deflate");
            assertThat(head).startsWith("HTTP/1.1 101");
            assertThat(extensionHeader(head)).isNull();
            clientCodec = PerMessageDeflate.create(new DeflateParams(false, false, 0), false, 0);
            sendCompressed(client, FrameWriter.OP_TEXT, "compressed anyway ".repeat(10).getBytes(StandardCharsets.UTF_8));
            assertThat(client.readUntilClose().closeCode()).isEqualTo(CloseCodes.PROTOCOL_ERROR);
        }
    }

    @Test
    void shouldNotNegotiateForAProtocolThatOptsOut() throws Exception {
        RecordingProtocol optOut = new RecordingProtocol() {
            @Override
            public boolean permessageDeflate() {
                return false;
            }
        };
        start(Context.builder(), optOut);
        try (RawClient client = new RawClient(context.port())) {
            assertThat(extensionHeader(handshake(client, "permessage-deflate"))).isNull();
            client.sendText("plain ".repeat(50));
            WireFrame echo = readWireFrame(client);
            assertThat(echo.rsv1()).isFalse();
        }
    }

    @Test
    void shouldDecompressRandomFragmentedMessagesSplitAcrossWrites() throws Exception {
        start(Context.builder(), protocol);
        try (RawClient client = new RawClient(context.port())) {
            handshake(client, "permessage-deflate");
            clientCodec = PerMessageDeflate.create(new DeflateParams(false, false, 0), false, 0);
            Random random = new Random(11);
            String words = "alpha beta gamma delta \u00e9t\u00e9 ";
            StringBuilder sb = new StringBuilder();
            while (sb.length() < 30_000) {
                sb.append(words, 0, 1 + random.nextInt(words.length() - 1)).append("\ud83d\ude00");
            }
            String text = sb.toString();
            ByteBuffer whole = clientCodec.deflater().encode(FrameWriter.OP_TEXT,
                    ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), false, 0);
            // re-frame the compressed payload as three masked fragments, RSV1 on the first
            byte[] payload = DeflateTestFrames.payloadOf(whole);
            int a = payload.length / 3;
            int b = 2 * payload.length / 3;
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            wire.writeBytes(DeflateTestFrames.masked(FrameWriter.OP_TEXT, false, true, payload, 0, a));
            wire.writeBytes(DeflateTestFrames.masked(FrameWriter.OP_CONTINUATION, false, false, payload, a, b));
            wire.writeBytes(DeflateTestFrames.masked(FrameWriter.OP_CONTINUATION, true, false, payload, b, payload.length));
            byte[] bytes = wire.toByteArray();
            for (int off = 0; off < bytes.length; off += 1000) {
                client.send(java.util.Arrays.copyOfRange(bytes, off, Math.min(bytes.length, off + 1000)));
            }
            Collected decoded = new Collected();
            new FrameReader(decoded, 1 << 20, false, clientCodec.inflater())
                    .read(ByteBuffer.wrap(readWireFrame(client).bytes()));
            assertThat(decoded.messages).hasSize(1);
            assertThat(decoded.messages.get(0).equals(text)).as("the echo equals the message").isTrue();
        } catch (ProtocolException e) {
            throw new AssertionError(e);
        }
    }
}
