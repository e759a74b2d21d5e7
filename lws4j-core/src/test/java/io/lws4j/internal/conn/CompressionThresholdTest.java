package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.internal.deflate.DeflateParams;
import io.lws4j.internal.deflate.PerMessageDeflate;
import io.lws4j.internal.deflate.ZlibPool;
import io.lws4j.internal.frame.FrameReader;
import io.lws4j.internal.frame.FrameWriter;
import io.lws4j.internal.frame.MessageSink;
import io.lws4j.internal.loop.ContextImpl;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server's compression threshold on the wire: echoes of messages under it come back with
 * RSV1 clear, at or over it compressed; the protocol's threshold overrides the context's;
 * messages that skip the compressor leave a shared window right for the next compressed one;
 * and connections that only exchange short messages never create a deflater.
 */
class CompressionThresholdTest {

    private Context context;

    @AfterEach
    void closeContext() {
        if (context != null) {
            context.close();
        }
    }

    /** Echoes text, with the given {@link Protocol#compressionThreshold()}. */
    private static Protocol echo(int threshold) {
        return new Protocol() {
            @Override
            public void onText(Connection connection, String text) {
                connection.writeText(text);
            }

            @Override
            public int compressionThreshold() {
                return threshold;
            }
        };
    }

    private int start(Context.Builder builder, Protocol protocol) {
        context = builder.bindAddress("127.0.0.1").port(0).protocol("echo", protocol).build();
        return context.port();
    }

    private ZlibPool zlib() {
        return ((ContextImpl) context).zlibPool();
    }

    /** A raw client whose handshake offered permessage-deflate and got it. */
    private static RawClient deflateClient(int port, String offer) throws IOException {
        RawClient client = new RawClient(port);
        client.send(RawClient.upgradeRequest("Sec-WebSocket-Extensions: " + offer + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        String head = client.readHead();
        assertThat(head).startsWith("HTTP/1.1 101").containsIgnoringCase("Sec-WebSocket-Extensions: permessage-deflate");
        return client;
    }

    /** One server frame: whether RSV1 was set, and the whole frame for a client-side reader. */
    private record ServerFrame(boolean rsv1, byte[] bytes) {
    }

    private static ServerFrame readFrame(RawClient client) throws IOException {
        DataInputStream in = new DataInputStream(client.input());
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        assertThat(b1 & 0x80).as("server frames are not masked").isZero();
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
        return new ServerFrame((b0 & 0x40) != 0, frame.put(payload).array());
    }

    /** Collects the texts a client-side reader decodes. */
    private static final class Texts implements MessageSink {
        final List<String> texts = new ArrayList<>();

        @Override
        public void onText(String text) {
            texts.add(text);
        }

        @Override
        public void onBinary(ByteBuffer data) {
            throw new AssertionError("no binary expected");
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

    private static String text(int length, int seed) {
        StringBuilder sb = new StringBuilder(length);
        while (sb.length() < length) {
            sb.append("position ").append(seed).append(' ').append(sb.length()).append("; ");
        }
        return sb.substring(0, length);
    }

    @Test
    void underTheDefaultThresholdEchoesGoRawAndAtItCompressed_theSharedWindowStaysRight() throws Exception {
        int port = start(Context.builder(), echo(Protocol.CONTEXT_COMPRESSION_THRESHOLD));
        int t = Context.DEFAULT_COMPRESSION_THRESHOLD;
        PerMessageDeflate clientCodec = PerMessageDeflate.create(new DeflateParams(false, false, 0), false, 0);
        try (RawClient client = deflateClient(port, "permessage-deflate")) {
            Texts decoded = new Texts();
            FrameReader reader = new FrameReader(decoded, 1 << 20, false, clientCodec.inflater());
            int[] sizes = {t - 1, t, 10, t + 500, 1, t - 1, t};
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < sizes.length; i++) {
                String message = text(sizes[i], i % 2);
                sent.add(message);
                client.sendText(message);
                ServerFrame frame = readFrame(client);
                assertThat(frame.rsv1()).as("RSV1 of the echo of %d bytes", sizes[i]).isEqualTo(sizes[i] >= t);
                reader.read(ByteBuffer.wrap(frame.bytes()));
            }
            assertThat(decoded.texts).as("every echo decodes with one shared window").isEqualTo(sent);
            assertThat(zlib().deflatersCreated()).as("one deflater for the one connection").isEqualTo(1);
        } finally {
            clientCodec.release();
        }
    }

    @Test
    void theProtocolsThresholdOverridesTheContexts() throws Exception {
        int port = start(Context.builder().compressionThreshold(Integer.MAX_VALUE), echo(0));
        try (RawClient client = deflateClient(port, "permessage-deflate")) {
            client.sendText("hello hello hello");
            assertThat(readFrame(client).rsv1()).as("protocol threshold 0: compressed").isTrue();
        }
        context.close();
        port = start(Context.builder().compressionThreshold(Integer.MAX_VALUE),
                echo(Protocol.CONTEXT_COMPRESSION_THRESHOLD));
        try (RawClient client = deflateClient(port, "permessage-deflate")) {
            client.sendText(text(50_000, 1));
            assertThat(readFrame(client).rsv1()).as("the context's threshold: nothing compressed").isFalse();
        }
        assertThat(zlib().deflatersCreated()).isZero();
    }

    @Test
    void connectionsThatExchangeOnlyShortMessagesCreateNoDeflater() throws Exception {
        int connections = 200;
        int port = start(Context.builder().maxConnections(connections + 10),
                echo(Protocol.CONTEXT_COMPRESSION_THRESHOLD));
        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                clients.add(deflateClient(port, i % 2 == 0 ? "permessage-deflate"
                        : "permessage-deflate; server_no_context_takeover; client_no_context_takeover"));
            }
            for (int round = 0; round < 3; round++) {
                for (RawClient c : clients) {
                    c.sendText("pos " + round);
                }
                for (RawClient c : clients) {
                    ServerFrame echo = readFrame(c);
                    assertThat(echo.rsv1()).isFalse();
                    assertThat(new String(echo.bytes(), 2, echo.bytes().length - 2, StandardCharsets.UTF_8))
                            .isEqualTo("pos " + round);
                }
            }
            assertThat(zlib().deflatersCreated()).as("deflaters after %d short echoes", 3 * connections).isZero();
            assertThat(zlib().inflatersCreated()).as("nothing compressed came in").isZero();

            // a long message on a connection without context takeover borrows a deflater for
            // that message only: it is back in the pool afterwards, and reused next time
            RawClient noTakeover = clients.get(1);
            for (int i = 0; i < 3; i++) {
                noTakeover.sendText(text(5_000, i));
                assertThat(readFrame(noTakeover).rsv1()).isTrue();
            }
            assertThat(zlib().deflatersCreated()).as("one deflater, reused for each message").isEqualTo(1);
            assertThat(zlib().idleDeflaters()).as("given back after each message").isEqualTo(1);

            // with a shared window the connection keeps its deflater until it closes
            RawClient shared = clients.get(0);
            shared.sendText(text(5_000, 7));
            assertThat(readFrame(shared).rsv1()).isTrue();
            assertThat(zlib().idleDeflaters()).as("taken from the pool and kept").isZero();
        } finally {
            for (RawClient c : clients) {
                c.close();
            }
        }
    }
}
