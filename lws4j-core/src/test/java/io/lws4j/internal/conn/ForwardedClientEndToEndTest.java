package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.Context;
import io.lws4j.Request;
import io.lws4j.TrustedProxies;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code Forwarded}, {@code X-Forwarded-For} and {@code X-Forwarded-Proto} through real
 * sockets on 127.0.0.1: believed from a trusted peer (127.0.0.1 trusted), ignored from an
 * untrusted one (only 10.0.0.0/8 trusted), and garbage never failing a handshake.
 */
class ForwardedClientEndToEndTest {

    private final HandshakeHookTest.HookProtocol protocol = new HandshakeHookTest.HookProtocol();
    private Context context;

    private void start(TrustedProxies trusted) {
        context = Context.builder().bindAddress("127.0.0.1").port(0).protocol("chat", protocol)
                .trustedProxies(trusted).build();
    }

    @AfterEach
    void closeContext() {
        if (context != null) {
            context.close();
        }
    }

    /** Upgrades with the extra headers over a raw socket and returns the request seen. */
    private Request upgradeWith(String extraHeaders) throws Exception {
        try (RawClient raw = new RawClient(context.port())) {
            raw.send(RawClient.upgradeRequest(extraHeaders).getBytes(StandardCharsets.ISO_8859_1));
            assertThat(raw.readHead()).startsWith("HTTP/1.1 101");
            raw.sendText("still works");
            assertThat(raw.readFrame().text()).isEqualTo("still works");
            return protocol.awaitRequest();
        }
    }

    private static String host(InetSocketAddress address) {
        return address.getAddress().getHostAddress();
    }

    @Test
    void fromATrustedPeer_theForwardedClientAndSchemeAreBelieved() throws Exception {
        start(TrustedProxies.of("127.0.0.1"));
        Request seen = upgradeWith("X-Forwarded-For: 198.51.100.20, 127.0.0.1\r\n"
                + "X-Forwarded-Proto: https, http\r\n");
        assertThat(host(seen.clientAddress())).isEqualTo("198.51.100.20");
        assertThat(seen.clientAddress().getPort()).isZero();
        assertThat(seen.scheme()).isEqualTo("wss");
        assertThat(seen.isTls()).isFalse();
        assertThat(host(seen.peerAddress())).isEqualTo("127.0.0.1");
        assertThat(protocol.awaitEstablished().remoteAddress()).isEqualTo(seen.peerAddress());
    }

    @Test
    void fromATrustedPeer_rfc7239ForwardedWinsOverXForwardedFor() throws Exception {
        start(TrustedProxies.of("127.0.0.1"));
        Request seen = upgradeWith("Forwarded: for=\"[2001:db8::5]:4711\";proto=https\r\n"
                + "X-Forwarded-For: 198.51.100.20\r\n");
        assertThat(seen.clientAddress()).isEqualTo(new InetSocketAddress("2001:db8::5", 4711));
        assertThat(seen.scheme()).isEqualTo("wss");
    }

    @Test
    void fromAnUntrustedPeer_theHeadersAreIgnored() throws Exception {
        start(TrustedProxies.of("10.0.0.0/8"));
        Request seen = upgradeWith("X-Forwarded-For: 198.51.100.20\r\n"
                + "X-Forwarded-Proto: https\r\nForwarded: for=198.51.100.21\r\n");
        assertThat(seen.clientAddress()).isEqualTo(seen.peerAddress());
        assertThat(host(seen.clientAddress())).isEqualTo("127.0.0.1");
        assertThat(seen.scheme()).isEqualTo("ws");
    }

    @Test
    void withNoTrustedProxies_theHeadersAreIgnored() throws Exception {
        start(TrustedProxies.none());
        Request seen = upgradeWith("X-Forwarded-For: 198.51.100.20\r\n");
        assertThat(seen.clientAddress()).isEqualTo(seen.peerAddress());
    }

    @Test
    void garbageFromATrustedPeer_givesThePeer_andTheHandshakeSucceeds() throws Exception {
        start(TrustedProxies.of("127.0.0.1"));
        String[] garbage = {
            "X-Forwarded-For: not an address\r\n",
            "X-Forwarded-For: ,,,, ,\r\n",
            "X-Forwarded-For: 999.1.1.1\r\nX-Forwarded-Proto: gopher\r\n",
            "X-Forwarded-For: [::1\r\n",
            "X-Forwarded-For: \u00ff\u00fe\r\n",
            "Forwarded: for=\"unterminated\r\n",
            "Forwarded: ;;;=;=\r\n",
        };
        for (String headers : garbage) {
            Request seen = upgradeWith(headers);
            assertThat(seen.clientAddress()).as(headers).isEqualTo(seen.peerAddress());
            assertThat(seen.scheme()).as(headers).isEqualTo("ws");
            protocol.awaitEstablished();
        }
    }

    @Test
    void theJdkClientsXForwardedForReachesClientAddress() throws Exception {
        start(TrustedProxies.of("127.0.0.0/8"));
        JdkClient client = new JdkClient();
        client.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("X-Forwarded-For", "192.0.2.44").subprotocols("chat")
                .buildAsync(URI.create("ws://127.0.0.1:" + context.port() + "/"), client)
                .get(10, TimeUnit.SECONDS);
        Request seen = protocol.awaitRequest();
        assertThat(host(seen.clientAddress())).isEqualTo("192.0.2.44");
        assertThat(protocol.awaitEstablished().request()).isSameAs(seen);
        client.socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
    }
}
