package io.lws4j.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.client.WebSocketConnectException.Reason;
import io.lws4j.internal.tls.TestCertificate;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Our websocket client against our server and against scripted raw servers, on 127.0.0.1. */
class WebSocketClientTest {

    /** Echoes messages; "close:<code>" makes the server close with that code. */
    static final class EchoProtocol implements Protocol {
        final List<String> requestHeaders = new ArrayList<>();

        @Override
        public void onText(Connection c, String text) {
            if (text.startsWith("close:")) {
                c.close(Integer.parseInt(text.substring(6)), "server says");
            } else {
                c.writeText(text);
            }
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

    private void startServer(Context.Builder builder) {
        server = builder.bindAddress("127.0.0.1").port(0).protocol("echo", new EchoProtocol())
                .protocol("chat", new EchoProtocol()).build();
        clients = Context.builder().noListener().maxMessageSize(17 << 20).build();
    }

    private Connection connect(ClientOptions options) throws Exception {
        return WebSocketClient.connect(clients, options).get(10, TimeUnit.SECONDS);
    }

    private static WebSocketConnectException connectFailure(Context ctx, ClientOptions options) {
        CompletableFuture<Connection> f = WebSocketClient.connect(ctx, options);
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                ExecutionException.class, () -> f.get(15, TimeUnit.SECONDS));
        assertThat(e.getCause()).isInstanceOf(WebSocketConnectException.class);
        return (WebSocketConnectException) e.getCause();
    }

    private static void send(Connection c, String text) {
        c.execute(() -> c.writeText(text));
    }

    @Test
    void echoesTextAndBinaryWithOurServer_andNegotiatesTheOfferedSubprotocol() throws Exception {
        startServer(Context.builder());
        assertThat(clients.port()).isEqualTo(-1);
        ClientEvents events = new ClientEvents();
        Connection c = connect(ClientOptions.builder(
                URI.create("ws://127.0.0.1:" + server.port() + "/x?y=1"), events)
                .subprotocols("nope", "chat").origin("http://example.test")
                .header("X-Test", "1").build());
        assertThat(c.protocolName()).isEqualTo("chat");
        assertThat(c.isOpen()).isTrue();
        assertThat(events.established).containsExactly(c);
        send(c, "h\u00e9llo \ud83d\ude00");
        assertThat(events.nextMessage()).isEqualTo("h\u00e9llo \ud83d\ude00");
        byte[] big = new byte[3 << 20];
        new Random(5).nextBytes(big);
        c.execute(() -> c.writeBinary(ByteBuffer.wrap(big)));
        assertThat((byte[]) events.nextMessage()).isEqualTo(big);
        c.execute(() -> c.close(4003, "client bye"));
        ClientEvents.Closed closed = events.awaitClosed();
        assertThat(closed.code()).isEqualTo(4003);
        assertThat(closed.onServiceThread()).isTrue();
    }

    @Test
    void theServersCloseCodeReachesTheClient() throws Exception {
        startServer(Context.builder());
        ClientEvents events = new ClientEvents();
        Connection c = connect(ClientOptions.builder(
                URI.create("ws://127.0.0.1:" + server.port() + "/"), events).build());
        assertThat(c.protocolName()).isNull();
        send(c, "close:4321");
        ClientEvents.Closed closed = events.awaitClosed();
        assertThat(closed.code()).isEqualTo(4321);
        assertThat(closed.reason()).isEqualTo("server says");
    }

    @Test
    void sendsTheRequestHeadersAndMasksEveryFrame() throws Exception {
        clients = Context.builder().noListener().build();
        int textAndCloseFrames = 2 + 4 + 3 + 2 + 4 + 2;
        try (ScriptedServer raw = new ScriptedServer(key -> ScriptedServer.accept(key, ""),
                textAndCloseFrames)) {
            ClientEvents events = new ClientEvents();
            Connection c = connect(ClientOptions.builder(
                    URI.create("ws://127.0.0.1:" + raw.port() + "/p?q=1"), events)
                    .subprotocols("a", "b").origin("http://o.test").header("X-Extra", "v")
                    .build());
            String request = raw.request.get(5, TimeUnit.SECONDS);
            assertThat(request).startsWith("GET /p?q=1 HTTP/1.1\r\n")
                    .contains("Host: 127.0.0.1:" + raw.port() + "\r\n")
                    .contains("Upgrade: websocket\r\n").contains("Connection: Upgrade\r\n")
                    .contains("Sec-WebSocket-Version: 13\r\n")
                    .contains("Sec-WebSocket-Protocol: a, b\r\n")
                    .contains("Origin: http://o.test\r\n").contains("X-Extra: v\r\n");
            c.execute(() -> {
                c.writeText("abc");
                c.close(CloseCodes.NORMAL, "");
            });
            byte[] wire = raw.afterResponse.get(10, TimeUnit.SECONDS);
            assertThat(wire.length).isEqualTo(textAndCloseFrames);
            assertThat(wire[0] & 0xFF).isEqualTo(0x81);
            assertThat(wire[1] & 0x80).as("text frame masked").isEqualTo(0x80);
            assertThat(new String(unmask(wire, 2, 3), StandardCharsets.UTF_8)).isEqualTo("abc");
            assertThat(wire[9] & 0xFF).isEqualTo(0x88);
            assertThat(wire[10] & 0x80).as("close frame masked").isEqualTo(0x80);
            byte[] code = unmask(wire, 11, 2);
            assertThat(((code[0] & 0xFF) << 8) | (code[1] & 0xFF)).isEqualTo(CloseCodes.NORMAL);
        }
    }

    /** @return the payload of the masked frame whose key starts at {@code keyAt} */
    private static byte[] unmask(byte[] wire, int keyAt, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) (wire[keyAt + 4 + i] ^ wire[keyAt + (i & 3)]);
        }
        return out;
    }

    @Test
    void reassemblesFragmentedMessagesFromTheServer() throws Exception {
        clients = Context.builder().noListener().build();
        byte[] frames = {
            0x01, 3, 'H', 'e', 'l', // text, not final
            (byte) 0x89, 1, 'p', // ping between fragments
            (byte) 0x80, 2, 'l', 'o', // final continuation
            0x02, 1, 7, (byte) 0x80, 1, 8, // binary in two fragments
        };
        try (ScriptedServer raw = new ScriptedServer(
                key -> ScriptedServer.concat(ScriptedServer.accept(key, ""), frames))) {
            ClientEvents events = new ClientEvents();
            connect(ClientOptions.builder(URI.create("ws://127.0.0.1:" + raw.port() + "/"),
                    events).build());
            assertThat(events.nextMessage()).isEqualTo("Hello");
            assertThat((byte[]) events.nextMessage()).containsExactly(7, 8);
        }
    }

    @Test
    void aMaskedServerFrameClosesTheConnectionWith1002() throws Exception {
        clients = Context.builder().noListener().build();
        byte[] masked = {(byte) 0x81, (byte) 0x81, 1, 2, 3, 4, (byte) ('x' ^ 1)};
        try (ScriptedServer raw = new ScriptedServer(
                key -> ScriptedServer.concat(ScriptedServer.accept(key, ""), masked))) {
            ClientEvents events = new ClientEvents();
            connect(ClientOptions.builder(URI.create("ws://127.0.0.1:" + raw.port() + "/"),
                    events).build());
            assertThat(events.awaitClosed().code()).isEqualTo(CloseCodes.PROTOCOL_ERROR);
            byte[] wire = raw.afterResponse.get(10, TimeUnit.SECONDS);
            assertThat(wire[0] & 0xFF).isEqualTo(0x88);
            byte[] code = unmask(wire, 2, 2);
            assertThat(((code[0] & 0xFF) << 8) | (code[1] & 0xFF))
                    .isEqualTo(CloseCodes.PROTOCOL_ERROR);
            assertThat(events.messages).isEmpty();
        }
    }

    @Test
    void echoesOverWssWithATrustedTestCertificate() throws Exception {
        startServer(Context.builder().tls(TestCertificate.get().serverContext()));
        ClientEvents events = new ClientEvents();
        Connection c = connect(ClientOptions.builder(
                URI.create("wss://127.0.0.1:" + server.port() + "/"), events)
                .sslContext(TestCertificate.get().clientContext()).subprotocols("echo").build());
        assertThat(c.protocolName()).isEqualTo("echo");
        send(c, "secret");
        assertThat(events.nextMessage()).isEqualTo("secret");
        byte[] big = new byte[16 << 20];
        new Random(9).nextBytes(big);
        c.execute(() -> c.writeBinary(ByteBuffer.wrap(big)));
        Object echoed = events.messages.poll(30, TimeUnit.SECONDS);
        assertThat(echoed).isInstanceOf(byte[].class);
        assertThat((byte[]) echoed).isEqualTo(big);
        send(c, "close:4444");
        assertThat(events.awaitClosed().code()).isEqualTo(4444);
    }

    @Test
    void aTls12ClientContextNegotiatesTls12WithOurServer() throws Exception {
        startServer(Context.builder().tls(TestCertificate.get().serverContext()));
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(TestCertificate.get().pkcs12())) {
            store.load(in, TestCertificate.PASSWORD);
        }
        tmf.init(store);
        javax.net.ssl.SSLContext tls12 = javax.net.ssl.SSLContext.getInstance("TLSv1.2");
        tls12.init(null, tmf.getTrustManagers(), null);
        java.util.List<String> negotiated = new java.util.concurrent.CopyOnWriteArrayList<>();
        javax.net.ssl.SSLContext recording = new javax.net.ssl.SSLContext(
                new RecordingSpi(tls12, negotiated), tls12.getProvider(), "TLSv1.2") { };
        ClientEvents events = new ClientEvents();
        Connection c = connect(ClientOptions.builder(
                URI.create("wss://127.0.0.1:" + server.port() + "/"), events)
                .sslContext(recording).build());
        send(c, "twelve");
        assertThat(events.nextMessage()).isEqualTo("twelve");
        assertThat(negotiated).containsOnly("TLSv1.2");
    }

    /**
     * Hands out client engines of a real context, wrapped to record the protocol each
     * handshake negotiated (the wrapper delegates every method).
     */
    private static final class RecordingSpi extends javax.net.ssl.SSLContextSpi {
        private final javax.net.ssl.SSLContext real;
        private final java.util.List<String> negotiated;

        RecordingSpi(javax.net.ssl.SSLContext real, java.util.List<String> negotiated) {
            this.real = real;
            this.negotiated = negotiated;
        }

        @Override
        protected void engineInit(javax.net.ssl.KeyManager[] km, javax.net.ssl.TrustManager[] tm,
                java.security.SecureRandom random) {
            throw new UnsupportedOperationException("already initialised");
        }

        @Override
        protected javax.net.ssl.SSLSocketFactory engineGetSocketFactory() {
            return real.getSocketFactory();
        }

        @Override
        protected javax.net.ssl.SSLServerSocketFactory engineGetServerSocketFactory() {
            return real.getServerSocketFactory();
        }

        @Override
        protected javax.net.ssl.SSLEngine engineCreateSSLEngine() {
            return real.createSSLEngine();
        }

        @Override
        protected javax.net.ssl.SSLEngine engineCreateSSLEngine(String host, int port) {
            javax.net.ssl.SSLEngine engine = real.createSSLEngine(host, port);
            return new javax.net.ssl.SSLEngine(host, port) {
                @Override
                public javax.net.ssl.SSLEngineResult wrap(java.nio.ByteBuffer[] srcs, int off,
                        int len, java.nio.ByteBuffer dst) throws javax.net.ssl.SSLException {
                    return engine.wrap(srcs, off, len, dst);
                }

                @Override
                public javax.net.ssl.SSLEngineResult unwrap(java.nio.ByteBuffer src,
                        java.nio.ByteBuffer[] dsts, int off, int len)
                        throws javax.net.ssl.SSLException {
                    javax.net.ssl.SSLEngineResult r = engine.unwrap(src, dsts, off, len);
                    String p = engine.getSession().getProtocol();
                    if (r.getHandshakeStatus()
                            == javax.net.ssl.SSLEngineResult.HandshakeStatus.FINISHED) {
                        negotiated.add(p);
                    }
                    return r;
                }

                @Override
                public Runnable getDelegatedTask() {
                    return engine.getDelegatedTask();
                }

                @Override
                public void closeInbound() throws javax.net.ssl.SSLException {
                    engine.closeInbound();
                }

                @Override
                public boolean isInboundDone() {
                    return engine.isInboundDone();
                }

                @Override
                public void closeOutbound() {
                    engine.closeOutbound();
                }

                @Override
                public boolean isOutboundDone() {
                    return engine.isOutboundDone();
                }

                @Override
                public String[] getSupportedCipherSuites() {
                    return engine.getSupportedCipherSuites();
                }

                @Override
                public String[] getEnabledCipherSuites() {
                    return engine.getEnabledCipherSuites();
                }

                @Override
                public void setEnabledCipherSuites(String[] suites) {
                    engine.setEnabledCipherSuites(suites);
                }

                @Override
                public String[] getSupportedProtocols() {
                    return engine.getSupportedProtocols();
                }

                @Override
                public String[] getEnabledProtocols() {
                    return engine.getEnabledProtocols();
                }

                @Override
                public void setEnabledProtocols(String[] protocols) {
                    engine.setEnabledProtocols(protocols);
                }

                @Override
                public javax.net.ssl.SSLSession getSession() {
                    return engine.getSession();
                }

                @Override
                public void beginHandshake() throws javax.net.ssl.SSLException {
                    engine.beginHandshake();
                }

                @Override
                public javax.net.ssl.SSLEngineResult.HandshakeStatus getHandshakeStatus() {
                    return engine.getHandshakeStatus();
                }

                @Override
                public void setUseClientMode(boolean mode) {
                    engine.setUseClientMode(mode);
                }

                @Override
                public boolean getUseClientMode() {
                    return engine.getUseClientMode();
                }

                @Override
                public void setNeedClientAuth(boolean need) {
                    engine.setNeedClientAuth(need);
                }

                @Override
                public boolean getNeedClientAuth() {
                    return engine.getNeedClientAuth();
                }

                @Override
                public void setWantClientAuth(boolean want) {
                    engine.setWantClientAuth(want);
                }

                @Override
                public boolean getWantClientAuth() {
                    return engine.getWantClientAuth();
                }

                @Override
                public void setEnableSessionCreation(boolean flag) {
                    engine.setEnableSessionCreation(flag);
                }

                @Override
                public boolean getEnableSessionCreation() {
                    return engine.getEnableSessionCreation();
                }

                @Override
                public javax.net.ssl.SSLParameters getSSLParameters() {
                    return engine.getSSLParameters();
                }

                @Override
                public void setSSLParameters(javax.net.ssl.SSLParameters params) {
                    engine.setSSLParameters(params);
                }
            };
        }

        @Override
        protected javax.net.ssl.SSLSessionContext engineGetServerSessionContext() {
            return real.getServerSessionContext();
        }

        @Override
        protected javax.net.ssl.SSLSessionContext engineGetClientSessionContext() {
            return real.getClientSessionContext();
        }
    }

    @Test
    void wssFailsWithTlsWhenTheCertificateIsUntrustedOrForAnotherHost() throws Exception {
        startServer(Context.builder().tls(TestCertificate.get().serverContext()));
        ClientEvents events = new ClientEvents();
        WebSocketConnectException untrusted = connectFailure(clients, ClientOptions.builder(
                URI.create("wss://127.0.0.1:" + server.port() + "/"), events).build());
        assertThat(untrusted.reason()).isEqualTo(Reason.TLS_FAILED);
        assertThat(untrusted.getMessage()).contains("TLS");

        Context other = Context.builder().bindAddress("127.0.0.1").port(0)
                .tls(TestCertificate.forOtherHost().serverContext())
                .protocol("echo", new EchoProtocol()).build();
        try {
            WebSocketConnectException wrongHost = connectFailure(clients, ClientOptions.builder(
                    URI.create("wss://127.0.0.1:" + other.port() + "/"), events)
                    .sslContext(TestCertificate.forOtherHost().clientContext()).build());
            assertThat(wrongHost.reason()).isEqualTo(Reason.TLS_FAILED);
        } finally {
            other.close();
        }
        assertThat(events.established).isEmpty();
        assertThat(events.closed).isNotDone();
    }

    @Test
    void eachConnectFailureCompletesTheFutureOnceWithItsReason() throws Exception {
        clients = Context.builder().noListener().build();
        ClientEvents events = new ClientEvents();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        assertThat(connectFailure(clients, ClientOptions.builder(
                URI.create("ws://127.0.0.1:" + closedPort + "/"), events).build()).reason())
                .isEqualTo(Reason.CONNECT_FAILED);
        WebSocketConnectException unresolved = connectFailure(clients, ClientOptions.builder(
                URI.create("ws://no-such-host.invalid/"), events)
                .connectTimeout(Duration.ofSeconds(3)).build()); // a resolver may be slow
        assertThat(unresolved.reason()).isIn(Reason.UNRESOLVED_HOST, Reason.TIMEOUT);
        assertThat(unresolved.getMessage()).contains("no-such-host.invalid");

        assertThat(scripted(key -> "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1), null)).satisfies(e -> {
                    assertThat(e.reason()).isEqualTo(Reason.BAD_STATUS);
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.getMessage()).contains("404 Not Found");
                });
        assertThat(scripted(key -> ScriptedServer.accept("wrong key", ""), null))
                .satisfies(e -> assertThat(e.getMessage()).contains("Sec-WebSocket-Accept"));
        assertThat(scripted(key -> ScriptedServer.accept(key, "Sec-WebSocket-Protocol: zzz\r\n"),
                "aaa")).satisfies(e -> assertThat(e.getMessage()).contains("subprotocol"));
        assertThat(scripted(key -> ("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + io.lws4j.internal.http.UpgradeHandshake.acceptKey(key)
                + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), null))
                .satisfies(e -> assertThat(e.getMessage()).contains("Upgrade"));
        assertThat(scripted(key -> ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Accept: " + io.lws4j.internal.http.UpgradeHandshake.acceptKey(key)
                + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), null))
                .satisfies(e -> assertThat(e.getMessage()).contains("Connection"));
        assertThat(scripted(key -> ScriptedServer.accept(key,
                "Sec-WebSocket-Extensions: x-unoffered\r\n"), null))
                .satisfies(e -> assertThat(e.getMessage()).contains("extension"));
        // a server that says nothing: the handshake timeout
        try (ScriptedServer silent = new ScriptedServer(key -> null)) {
            WebSocketConnectException e = connectFailure(clients, ClientOptions.builder(
                    URI.create("ws://127.0.0.1:" + silent.port() + "/"), events)
                    .handshakeTimeout(Duration.ofMillis(300)).build());
            assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
        }
        // a server that hangs up before answering (its script throws: the socket just closes)
        try (ScriptedServer rude = new ScriptedServer(key -> {
            throw new IllegalStateException("hang up");
        })) {
            assertThat(connectFailure(clients, ClientOptions.builder(
                    URI.create("ws://127.0.0.1:" + rude.port() + "/"), events).build()).reason())
                    .isEqualTo(Reason.CLOSED);
        }
        assertThat(events.established).isEmpty();
        assertThat(events.closed).as("no callback for a connection that never opened")
                .isNotDone();
    }

    private WebSocketConnectException scripted(Function<String, byte[]> script, String offer)
            throws Exception {
        try (ScriptedServer raw = new ScriptedServer(script)) {
            ClientOptions.Builder b = ClientOptions.builder(
                    URI.create("ws://127.0.0.1:" + raw.port() + "/"), new ClientEvents());
            if (offer != null) {
                b.subprotocols(offer);
            }
            WebSocketConnectException e = connectFailure(clients, b.build());
            if (e.reason() != Reason.BAD_STATUS) {
                assertThat(e.reason()).isEqualTo(Reason.BAD_HANDSHAKE);
            }
            return e;
        }
    }

    @Test
    void aClosedContextRefusesToConnect() {
        Context ctx = Context.builder().noListener().build();
        ctx.close();
        assertThat(connectFailure(ctx, ClientOptions.builder(URI.create("ws://127.0.0.1:1/"),
                new ClientEvents()).build()).reason()).isEqualTo(Reason.CONTEXT_CLOSED);
    }

    @Test
    void closingTheContextDuringTheHandshakeFailsTheConnectWithContextClosed() throws Exception {
        Context ctx = Context.builder().noListener().build();
        try (ScriptedServer silent = new ScriptedServer(key -> null)) {
            CompletableFuture<Connection> f = WebSocketClient.connect(ctx, ClientOptions.builder(
                    URI.create("ws://127.0.0.1:" + silent.port() + "/"), new ClientEvents())
                    .build());
            silent.request.get(5, TimeUnit.SECONDS); // the request is out: we are handshaking
            ctx.close();
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                    ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
            assertThat(((WebSocketConnectException) e.getCause()).reason())
                    .isEqualTo(Reason.CONTEXT_CLOSED);
        }
    }

    @Test
    void optionsRejectNonWebsocketUrisAndHandshakeHeaders() {
        assertThatThrownBy(() -> ClientOptions.builder(URI.create("http://x/"), new ClientEvents()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientOptions.builder(URI.create("ws://x/"), new ClientEvents())
                .header("Sec-WebSocket-Key", "k")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientOptions.builder(URI.create("ws://x/"), new ClientEvents())
                .header("X-A", "a\r\nInjected: 1")).isInstanceOf(IllegalArgumentException.class);
    }
}
