package io.lws4j.tests.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lws4j.internal.tls.TestCertificate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relay Autobahn's TLS run depends on: bytes, half-closes and resets cross it in both
 * directions, every relayed connection is one verified TLS handshake, and a target whose
 * certificate does not verify gets no byte.
 */
class TlsOriginatingRelayTest {
    private static final long LIMIT_S = 20;

    /** One TLS server connection at a time, layered over TCP so a test can reset it. */
    private ServerSocket server;
    private SSLContext serverTls;
    private TlsOriginatingRelay relay;

    @AfterEach
    void closeAll() throws IOException {
        if (relay != null) {
            relay.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void startServer(SSLContext serverTls) throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"));
        relay = TlsOriginatingRelay.start(new InetSocketAddress("127.0.0.1",
                server.getLocalPort()), TestCertificate.get().clientContext());
        this.serverTls = serverTls;
    }

    /** The target's side of the next relayed connection: the raw socket and TLS over it. */
    private record Accepted(Socket raw, SSLSocket tls) {
    }

    private CompletableFuture<Accepted> acceptOne() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                Socket raw = server.accept();
                SSLSocket tls = (SSLSocket) serverTls.getSocketFactory().createSocket(raw,
                        "127.0.0.1", raw.getPort(), true);
                tls.setUseClientMode(false);
                tls.startHandshake();
                return new Accepted(raw, tls);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private Socket connectClient() throws IOException {
        Socket client = new Socket();
        client.connect(new InetSocketAddress("127.0.0.1", relay.port()), 5000);
        client.setSoTimeout((int) TimeUnit.SECONDS.toMillis(LIMIT_S));
        return client;
    }

    private static String readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String readExactly(InputStream in, int n) throws IOException {
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void bytesCrossBothWaysOverOneVerifiedHandshakePerConnection() throws Exception {
        startServer(TestCertificate.get().serverContext());
        for (int i = 0; i < 3; i++) {
            CompletableFuture<Accepted> accepted = acceptOne();
            try (Socket client = connectClient()) {
                client.getOutputStream().write(bytes("ping " + i));
                Accepted target = accepted.get(LIMIT_S, TimeUnit.SECONDS);
                assertThat(target.tls().getSession().getProtocol()).startsWith("TLSv1.");
                assertThat(readExactly(target.tls().getInputStream(), 6)).isEqualTo("ping " + i);
                target.tls().getOutputStream().write(bytes("pong " + i));
                assertThat(readExactly(client.getInputStream(), 6)).isEqualTo("pong " + i);
                target.tls().close();
            }
        }
        assertThat(relay.accepted()).isEqualTo(3);
        assertThat(relay.handshakes()).isEqualTo(3);
        assertThat(relay.handshakeFailures()).isZero();
        assertThat(relay.negotiated().keySet()).allMatch(k -> k.startsWith("TLSv1."));
        assertThat(relay.negotiated().values().stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(3);
        // The relay counts a chunk after its write returns, which may be after the peer has
        // read it: give the last count a moment.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_S);
        while ((relay.bytesToTarget() < 18 || relay.bytesToClient() < 18)
                && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
        }
        assertThat(relay.bytesToTarget()).isEqualTo(18);
        assertThat(relay.bytesToClient()).isEqualTo(18);
    }

    @Test
    void clientHalfCloseEndsTheTargetsInput_whileTheTargetCanStillAnswer() throws Exception {
        startServer(TestCertificate.get().serverContext());
        CompletableFuture<Accepted> accepted = acceptOne();
        try (Socket client = connectClient()) {
            client.getOutputStream().write(bytes("request"));
            client.shutdownOutput();
            Accepted target = accepted.get(LIMIT_S, TimeUnit.SECONDS);
            assertThat(readToEnd(target.tls().getInputStream())).isEqualTo("request");
            target.tls().getOutputStream().write(bytes("answer after the client's FIN"));
            target.tls().shutdownOutput();
            assertThat(readToEnd(client.getInputStream()))
                    .isEqualTo("answer after the client's FIN");
            target.tls().close();
        }
        assertThat(relay.resets()).isZero();
    }

    @Test
    void targetHalfCloseEndsTheClientsInput_whileTheClientCanStillSend() throws Exception {
        startServer(TestCertificate.get().serverContext());
        CompletableFuture<Accepted> accepted = acceptOne();
        try (Socket client = connectClient()) {
            client.getOutputStream().write(bytes("x"));
            Accepted target = accepted.get(LIMIT_S, TimeUnit.SECONDS);
            assertThat(target.tls().getSession().getProtocol())
                    .as("half-close needs TLS 1.3").isEqualTo("TLSv1.3");
            assertThat(readExactly(target.tls().getInputStream(), 1)).isEqualTo("x");
            target.tls().getOutputStream().write(bytes("last words"));
            target.tls().shutdownOutput();
            assertThat(readToEnd(client.getInputStream())).isEqualTo("last words");
            client.getOutputStream().write(bytes("heard you"));
            client.shutdownOutput();
            assertThat(readToEnd(target.tls().getInputStream())).isEqualTo("heard you");
            target.tls().close();
        }
        assertThat(relay.resets()).isZero();
    }

    @Test
    void aResetByTheTargetReachesTheClientAsAReset() throws Exception {
        startServer(TestCertificate.get().serverContext());
        CompletableFuture<Accepted> accepted = acceptOne();
        try (Socket client = connectClient()) {
            client.getOutputStream().write(bytes("x"));
            Accepted target = accepted.get(LIMIT_S, TimeUnit.SECONDS);
            target.raw().setSoLinger(true, 0);
            target.raw().close();
            assertThatThrownBy(() -> readToEnd(client.getInputStream()))
                    .isInstanceOf(java.net.SocketException.class)
                    .hasMessageContaining("reset");
        }
        assertThat(relay.resets()).isEqualTo(1);
    }

    @Test
    void aResetByTheClientReachesTheTargetAsAReset() throws Exception {
        startServer(TestCertificate.get().serverContext());
        CompletableFuture<Accepted> accepted = acceptOne();
        Accepted target;
        try (Socket client = connectClient()) {
            client.getOutputStream().write(bytes("x"));
            target = accepted.get(LIMIT_S, TimeUnit.SECONDS);
            assertThat(readExactly(target.tls().getInputStream(), 1)).isEqualTo("x");
            client.setSoLinger(true, 0);
        }
        target.tls().setSoTimeout((int) TimeUnit.SECONDS.toMillis(LIMIT_S));
        assertThatThrownBy(() -> readToEnd(target.tls().getInputStream()))
                .isInstanceOf(java.net.SocketException.class)
                .hasMessageContaining("reset");
        target.raw().close();
    }

    @Test
    void aTargetWhoseCertificateDoesNotVerifyGetsNoConnection() throws Exception {
        startServer(TestCertificate.forOtherHost().serverContext());
        CompletableFuture<Accepted> accepted = acceptOne();
        try (Socket client = connectClient()) {
            assertThatThrownBy(() -> {
                client.getOutputStream().write(bytes("secret")); // may already meet the reset
                readToEnd(client.getInputStream());
            }).isInstanceOf(java.net.SocketException.class);
        }
        assertThat(accepted).failsWithin(LIMIT_S, TimeUnit.SECONDS);
        assertThat(relay.handshakes()).isZero();
        assertThat(relay.handshakeFailures()).isEqualTo(1);
        assertThat(relay.bytesToTarget()).isZero();
        assertThat(relay.problems()).singleElement().asString().contains("TLS connection");
    }

    @Test
    void closeEndsTheRelaysThreads_evenWithAConnectionOpen() throws Exception {
        startServer(TestCertificate.get().serverContext());
        CompletableFuture<Accepted> accepted = acceptOne();
        try (Socket client = connectClient()) {
            client.getOutputStream().write(bytes("x"));
            Accepted target = accepted.get(LIMIT_S, TimeUnit.SECONDS);
            assertThat(readExactly(target.tls().getInputStream(), 1)).isEqualTo("x");
            relay.close();
            assertThat(Thread.getAllStackTraces().keySet())
                    .noneMatch(t -> t.getName().startsWith("tls-relay-") && t.isAlive());
            target.raw().close();
        }
    }
}
