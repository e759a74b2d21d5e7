package io.lws4j.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.client.WebSocketConnectException.Reason;
import io.lws4j.internal.conn.ConnectionImpl;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * permessage-deflate on the client (RFC 7692): our client with our server in every on/off
 * combination, against a raw server for each context-takeover combination, a decompression
 * bomb, and the checks of the server's extension response. Loopback only.
 */
class ClientDeflateTest {

    /** Records messages and echoes each back. */
    static final class EchoingEvents extends ClientEvents {
        @Override
        public void onText(Connection connection, String text) {
            super.onText(connection, text);
            connection.writeText(text);
        }

        @Override
        public void onBinary(Connection connection, ByteBuffer data) {
            ByteBuffer copy = data.duplicate();
            super.onBinary(connection, data);
            connection.writeBinary(copy);
        }
    }

    /** Server side: echoes. */
    static final class ServerEcho implements Protocol {
        @Override
        public void onText(Connection c, String text) {
            c.writeText(text);
        }

        @Override
        public void onBinary(Connection c, ByteBuffer data) {
            c.writeBinary(data);
        }
    }

    private Context server;
    private Context clients;

    @AfterEach
    void closeContexts() {
        if (clients != null) {
            clients.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static boolean compressing(Connection c) throws Exception {
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        assertThat(c.execute(() -> f.complete(((ConnectionImpl) c).permessageDeflate() != null))).isTrue();
        return f.get(5, TimeUnit.SECONDS);
    }

    private static String repeatedText(int length) {
        StringBuilder sb = new StringBuilder(length);
        int i = 0;
        while (sb.length() < length) {
            sb.append("tick ").append(i++ % 97).append(" gr\u00fc\u00dfe; ");
        }
        return sb.substring(0, length);
    }

    @ParameterizedTest(name = "client offers {0}, server accepts {1}")
    @CsvSource({"true,true", "true,false", "false,true", "false,false"})
    void echoesWithOurServer_compressingOnlyWhenBothSidesAgree(boolean clientOffers,
            boolean serverAccepts) throws Exception {
        server = Context.builder().bindAddress("127.0.0.1").port(0).permessageDeflate(serverAccepts)
                .protocol("echo", new ServerEcho()).build();
        clients = Context.builder().noListener().maxMessageSize(17 << 20).build();
        ClientEvents events = new ClientEvents();
        Connection c = WebSocketClient.connect(clients, ClientOptions.builder(
                URI.create("ws://127.0.0.1:" + server.port() + "/"), events)
                .permessageDeflate(clientOffers).build()).get(10, TimeUnit.SECONDS);
        assertThat(compressing(c)).isEqualTo(clientOffers && serverAccepts);

        String text = repeatedText(5000);
        for (int i = 0; i < 5; i++) { // repeats: with context takeover each refers to the last
            c.execute(() -> c.writeText(text));
            assertThat(events.nextMessage()).isEqualTo(text);
        }
        c.execute(() -> c.writeText("short \ud83d\ude00"));
        assertThat(events.nextMessage()).isEqualTo("short \ud83d\ude00");
        c.execute(() -> c.writeText(""));
        assertThat(events.nextMessage()).isEqualTo("");
        byte[] random = new byte[1 << 20];
        new Random(7).nextBytes(random);
        c.execute(() -> c.writeBinary(ByteBuffer.wrap(random)));
        assertThat((byte[]) events.nextMessage()).isEqualTo(random);
        byte[] large = repeatedText(8 << 20).getBytes(StandardCharsets.UTF_8);
        c.execute(() -> c.writeBinary(ByteBuffer.wrap(large)));
        assertThat((byte[]) events.nextMessage()).isEqualTo(large);
        c.execute(() -> c.close(CloseCodes.NORMAL, "done"));
        assertThat(events.awaitClosed().code()).isEqualTo(CloseCodes.NORMAL);
    }

    @ParameterizedTest(name = "server_no_context_takeover {0}, client_no_context_takeover {1}")
    @CsvSource({"false,false", "true,false", "false,true", "true,true"})
    void followsEachContextTakeoverCombinationOfARawServer(boolean serverNoTakeover,
            boolean clientNoTakeover) throws Exception {
        clients = Context.builder().noListener().build();
        try (RawDeflatePeer peer = new RawDeflatePeer()) {
            EchoingEvents events = new EchoingEvents();
            CompletableFuture<Connection> f = WebSocketClient.connect(clients, ClientOptions.builder(
                    URI.create("ws://127.0.0.1:" + peer.port() + "/"), events).compressionThreshold(0).build());
            String response = "permessage-deflate"
                    + (serverNoTakeover ? "; server_no_context_takeover" : "")
                    + (clientNoTakeover ? "; client_no_context_takeover" : "");
            peer.handshake(response);
            Connection c = f.get(10, TimeUnit.SECONDS);
            assertThat(peer.request).contains("Sec-WebSocket-Extensions: permessage-deflate\r\n");
            assertThat(compressing(c)).isTrue();

            byte[] message = repeatedText(300).getBytes(StandardCharsets.UTF_8);
            Deflater ours = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            for (int i = 0; i < 3; i++) {
                if (serverNoTakeover) {
                    ours.reset();
                }
                peer.send(true, true, 1, RawDeflatePeer.compress(ours, message));
            }
            // a fragmented compressed binary message: RSV1 on the first frame only
            if (serverNoTakeover) {
                ours.reset();
            }
            byte[] fragmented = RawDeflatePeer.compress(ours, message);
            int third = fragmented.length / 3;
            peer.send(false, true, 2, java.util.Arrays.copyOfRange(fragmented, 0, third));
            peer.send(false, false, 0, java.util.Arrays.copyOfRange(fragmented, third, 2 * third));
            peer.send(true, false, 0, java.util.Arrays.copyOfRange(fragmented, 2 * third,
                    fragmented.length));
            peer.send(true, false, 1, "plain".getBytes(StandardCharsets.UTF_8)); // RSV1 clear
            ours.end();

            String text = new String(message, StandardCharsets.UTF_8);
            for (int i = 0; i < 3; i++) {
                assertThat(events.nextMessage()).isEqualTo(text);
            }
            assertThat((byte[]) events.nextMessage()).isEqualTo(message);
            assertThat(events.nextMessage()).isEqualTo("plain");

            // the client's echoes: compressed, and decodable only with the agreed takeover
            Inflater theirs = new Inflater(true);
            int[] sizes = new int[4];
            byte[][] payloads = new byte[4][];
            for (int i = 0; i < 4; i++) {
                RawDeflatePeer.Frame frame = peer.read();
                assertThat(frame.fin()).isTrue();
                assertThat(frame.opcode()).isEqualTo(i < 3 ? 1 : 2);
                assertThat(frame.rsv1()).as("echo %d compressed", i).isTrue();
                sizes[i] = frame.payload().length;
                payloads[i] = frame.payload();
                Inflater inflater = clientNoTakeover ? new Inflater(true) : theirs;
                assertThat(RawDeflatePeer.decompress(inflater, frame.payload())).isEqualTo(message);
                if (clientNoTakeover) {
                    inflater.end();
                }
            }
            if (clientNoTakeover) {
                assertThat(sizes).as("each message compressed alone").containsOnly(sizes[0]);
            } else {
                // (at the default level 1 a 300-line repeat still shrinks to under half)
                assertThat(sizes[1]).as("a repeat refers back to the previous message")
                        .isLessThan(sizes[0] / 2);
                Inflater fresh = new Inflater(true);
                try {
                    assertThatThrownBy(() -> RawDeflatePeer.decompress(fresh, payloads[1]))
                            .as("a repeat is not decodable without the earlier window")
                            .isInstanceOf(DataFormatException.class);
                } finally {
                    fresh.end();
                }
            }
            RawDeflatePeer.Frame plain = peer.read();
            assertThat(new String(plain.rsv1()
                    ? RawDeflatePeer.decompress(clientNoTakeover ? new Inflater(true) : theirs,
                            plain.payload()) : plain.payload(), StandardCharsets.UTF_8))
                    .isEqualTo("plain");
            theirs.end();
        }
    }

    /** Connects to a raw peer that accepts plain permessage-deflate. */
    private Connection connectToRawPeer(RawDeflatePeer peer, ClientOptions.Builder options)
            throws Exception {
        CompletableFuture<Connection> f = WebSocketClient.connect(clients, options.build());
        peer.handshake("permessage-deflate");
        Connection c = f.get(10, TimeUnit.SECONDS);
        assertThat(compressing(c)).isTrue();
        return c;
    }

    /** ASCII, so that characters and UTF-8 bytes count the same. */
    private static String asciiText(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; sb.length() < length; i++) {
            sb.append("tick ").append(i % 97).append("; ");
        }
        return sb.substring(0, length);
    }

    private static void send(Connection c, String text) {
        assertThat(c.execute(() -> c.writeText(text))).isTrue();
    }

    @Test
    void sendsMessagesUnderTheThresholdUncompressedAndTheRestCompressedWithOneWindow() throws Exception {
        clients = Context.builder().noListener().build();
        int t = Context.DEFAULT_COMPRESSION_THRESHOLD;
        try (RawDeflatePeer peer = new RawDeflatePeer()) {
            Connection c = connectToRawPeer(peer, ClientOptions.builder(
                    URI.create("ws://127.0.0.1:" + peer.port() + "/"), new ClientEvents()));
            Inflater theirs = new Inflater(true);
            try {
                for (int size : new int[] {t - 1, t, 10, t + 700, t - 1, t}) {
                    String text = asciiText(size);
                    send(c, text);
                    RawDeflatePeer.Frame frame = peer.read();
                    assertThat(frame.rsv1()).as("RSV1 of %d bytes", size).isEqualTo(size >= t);
                    byte[] payload = frame.rsv1() ? RawDeflatePeer.decompress(theirs, frame.payload())
                            : frame.payload();
                    assertThat(new String(payload, StandardCharsets.UTF_8)).isEqualTo(text);
                }
            } finally {
                theirs.end();
            }
        }
    }

    @Test
    void theOptionsThresholdOverridesTheContexts_andDefaultsToIt() throws Exception {
        clients = Context.builder().noListener().compressionThreshold(Integer.MAX_VALUE).build();
        try (RawDeflatePeer peer = new RawDeflatePeer()) {
            Connection c = connectToRawPeer(peer, ClientOptions.builder(
                    URI.create("ws://127.0.0.1:" + peer.port() + "/"), new ClientEvents())
                    .compressionThreshold(0));
            send(c, "hi hi hi");
            assertThat(peer.read().rsv1()).as("options threshold 0").isTrue();
        }
        try (RawDeflatePeer peer = new RawDeflatePeer()) {
            Connection c = connectToRawPeer(peer, ClientOptions.builder(
                    URI.create("ws://127.0.0.1:" + peer.port() + "/"), new ClientEvents()));
            send(c, asciiText(100_000));
            RawDeflatePeer.Frame frame = peer.read();
            assertThat(frame.rsv1()).as("the context's threshold: nothing compressed").isFalse();
            assertThat(frame.payload().length).isEqualTo(100_000);
        }
        assertThatThrownBy(() -> ClientOptions.builder(URI.create("ws://h/"), new ClientEvents())
                .compressionThreshold(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDecompressionBombClosesTheConnectionWith1009() throws Exception {
        clients = Context.builder().noListener().maxMessageSize(1 << 20).build();
        try (RawDeflatePeer peer = new RawDeflatePeer()) {
            ClientEvents events = new ClientEvents();
            CompletableFuture<Connection> f = WebSocketClient.connect(clients, ClientOptions.builder(
                    URI.create("ws://127.0.0.1:" + peer.port() + "/"), events).build());
            peer.handshake("permessage-deflate");
            f.get(10, TimeUnit.SECONDS);
            Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
            byte[] bomb = RawDeflatePeer.compress(deflater, new byte[64 << 20]);
            deflater.end();
            assertThat(bomb.length).as("64 MiB of zeros compress to little").isLessThan(256 << 10);
            peer.send(true, true, 2, bomb);
            RawDeflatePeer.Frame close = peer.read();
            assertThat(close.opcode()).isEqualTo(8);
            assertThat(((close.payload()[0] & 0xFF) << 8) | (close.payload()[1] & 0xFF))
                    .isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
            peer.send(true, false, 8, new byte[] {0x03, (byte) 0xF1});
            assertThat(events.awaitClosed().code()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG);
            assertThat(events.messages).isEmpty();
        }
    }

    @Test
    void acceptsAnyServerWindowAndCaseInsensitiveQuotedParameters() throws Exception {
        clients = Context.builder().noListener().build();
        try (RawDeflatePeer peer = new RawDeflatePeer()) {
            ClientEvents events = new ClientEvents();
            CompletableFuture<Connection> f = WebSocketClient.connect(clients, ClientOptions.builder(
                    URI.create("ws://127.0.0.1:" + peer.port() + "/"), events).build());
            peer.handshake("PerMessage-Deflate; Server_Max_Window_Bits=\"8\"");
            Connection c = f.get(10, TimeUnit.SECONDS);
            assertThat(compressing(c)).isTrue();
            Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            peer.send(true, true, 1, RawDeflatePeer.compress(deflater, "hello hello hello"
                    .getBytes(StandardCharsets.UTF_8)));
            deflater.end();
            assertThat(events.nextMessage()).isEqualTo("hello hello hello");
        }
    }

    @Test
    void offersPlainPermessageDeflateOnlyWhenEnabled() throws Exception {
        clients = Context.builder().noListener().build();
        for (boolean offer : new boolean[] {true, false}) {
            try (ScriptedServer raw = new ScriptedServer(key -> ScriptedServer.accept(key, ""))) {
                ClientOptions options = ClientOptions.builder(
                        URI.create("ws://127.0.0.1:" + raw.port() + "/"), new ClientEvents())
                        .permessageDeflate(offer).build();
                assertThat(options.permessageDeflate()).isEqualTo(offer);
                Connection c = WebSocketClient.connect(clients, options).get(10, TimeUnit.SECONDS);
                String request = raw.request.get(5, TimeUnit.SECONDS);
                if (offer) {
                    assertThat(request).contains("\r\nSec-WebSocket-Extensions: permessage-deflate\r\n");
                } else {
                    assertThat(request).doesNotContainIgnoringCase("Sec-WebSocket-Extensions");
                }
                assertThat(compressing(c)).as("no extension in the response").isFalse();
                c.execute(() -> c.close(CloseCodes.NORMAL, ""));
            }
        }
        assertThat(ClientOptions.builder(URI.create("ws://h/"), new ClientEvents()).build()
                .permessageDeflate()).as("on by default").isTrue();
    }

    @Test
    void aResponseBreakingRfc7692FailsTheHandshakeWithItsReason() throws Exception {
        clients = Context.builder().noListener().build();
        assertThat(refused("permessage-deflate; foo", true))
                .contains("unknown permessage-deflate parameter: foo");
        assertThat(refused("permessage-deflate; server_no_context_takeover; "
                + "Server_No_Context_Takeover", true)).contains("given twice");
        assertThat(refused("permessage-deflate; client_max_window_bits=10", true))
                .contains("client_max_window_bits=10").contains("did not offer")
                .contains("15-bit window");
        assertThat(refused("permessage-deflate; client_max_window_bits", true))
                .contains("client_max_window_bits");
        assertThat(refused("x-webkit-deflate-frame", true))
                .contains("extension the client did not offer: x-webkit-deflate-frame");
        assertThat(refused("permessage-deflate, x-other", true)).contains("x-other");
        assertThat(refused("permessage-deflate, permessage-deflate; server_no_context_takeover",
                true)).contains("2 times");
        assertThat(refused("permessage-deflate; server_max_window_bits=7", true))
                .contains("8 to 15");
        assertThat(refused("permessage-deflate; server_max_window_bits=010", true))
                .contains("8 to 15");
        assertThat(refused("permessage-deflate; server_max_window_bits", true))
                .contains("8 to 15");
        assertThat(refused("permessage-deflate; client_no_context_takeover=yes", true))
                .contains("takes no value");
        assertThat(refused("permessage-deflate; x=\"open", true)).contains("malformed");
        assertThat(refused("permessage-deflate;", true)).contains("malformed");
        assertThat(refused("permessage-deflate", false))
                .contains("extension the client did not offer");
        // two header lines are one list (RFC 7230 3.2.2): still two elements
        try (ScriptedServer raw = new ScriptedServer(key -> ScriptedServer.accept(key,
                "Sec-WebSocket-Extensions: permessage-deflate\r\n"
                        + "Sec-WebSocket-Extensions: permessage-deflate\r\n"))) {
            WebSocketConnectException e = failure(ClientOptions.builder(
                    URI.create("ws://127.0.0.1:" + raw.port() + "/"), new ClientEvents()).build());
            assertThat(e.reason()).isEqualTo(Reason.BAD_HANDSHAKE);
            assertThat(e.getMessage()).contains("2 times");
        }
    }

    /** @return the failure message of a handshake whose response carries this extension value */
    private String refused(String extensions, boolean offer) throws Exception {
        try (ScriptedServer raw = new ScriptedServer(key -> ScriptedServer.accept(key,
                "Sec-WebSocket-Extensions: " + extensions + "\r\n"))) {
            WebSocketConnectException e = failure(ClientOptions.builder(
                    URI.create("ws://127.0.0.1:" + raw.port() + "/"), new ClientEvents())
                    .permessageDeflate(offer).build());
            assertThat(e.reason()).as(extensions).isEqualTo(Reason.BAD_HANDSHAKE);
            return e.getMessage();
        }
    }

    private WebSocketConnectException failure(ClientOptions options) {
        CompletableFuture<Connection> f = WebSocketClient.connect(clients, options);
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                ExecutionException.class, () -> f.get(15, TimeUnit.SECONDS));
        assertThat(e.getCause()).isInstanceOf(WebSocketConnectException.class);
        return (WebSocketConnectException) e.getCause();
    }
}
