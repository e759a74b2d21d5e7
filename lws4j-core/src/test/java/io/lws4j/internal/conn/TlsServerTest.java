package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.TlsContexts;
import io.lws4j.internal.tls.TestCertificate;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** wss: the TLS transport under the websocket server, with the JDK client on loopback. */
class TlsServerTest {
    private final RecordingProtocol protocol = new RecordingProtocol();
    private Context context;

    private Context start(Context.Builder builder) {
        context = builder.bindAddress("127.0.0.1").port(0).protocol("echo", protocol).build();
        return context;
    }

    @AfterEach
    void closeContext() {
        if (context != null) {
            context.close();
        }
    }

    private JdkClient connect(String tlsVersion) throws Exception {
        SSLParameters params = new SSLParameters();
        params.setProtocols(new String[] {tlsVersion});
        HttpClient http = HttpClient.newBuilder()
                .sslContext(TestCertificate.get().clientContext()).sslParameters(params).build();
        return JdkClient.connect(URI.create("wss://127.0.0.1:" + context.port() + "/"), http,
                "echo");
    }

    @Test
    void echoesTextAndBinaryOverTls13AndTls12_andClosesWithTheClientsCode() throws Exception {
        start(Context.builder().tls(TestCertificate.get().serverContext()));
        for (String version : new String[] {"TLSv1.3", "TLSv1.2"}) {
            JdkClient client = connect(version);
            client.socket.sendText("h\u00e9llo " + version, true).get(5, TimeUnit.SECONDS);
            assertThat(client.nextMessage()).isEqualTo("h\u00e9llo " + version);
            client.socket.sendBinary(ByteBuffer.wrap(new byte[] {9, 8, 7}), true)
                    .get(5, TimeUnit.SECONDS);
            assertThat((byte[]) client.nextMessage()).containsExactly(9, 8, 7);
            client.socket.sendClose(4001, "bye " + version).get(5, TimeUnit.SECONDS);
            assertThat(client.awaitClose().code()).isEqualTo(4001);
            RecordingProtocol.Closed closed = protocol.awaitClosed();
            assertThat(closed.code()).isEqualTo(4001);
            assertThat(closed.reason()).isEqualTo("bye " + version);
        }
    }

    @Test
    void serverCloseCodeReachesTheTlsClient() throws Exception {
        start(Context.builder().tls(TestCertificate.get().serverContext()));
        JdkClient client = connect("TLSv1.3");
        Connection c = protocol.awaitEstablished();
        c.execute(() -> c.close(CloseCodes.POLICY_VIOLATION, "go away"));
        JdkClient.CloseEvent event = client.awaitClose();
        assertThat(event.code()).isEqualTo(CloseCodes.POLICY_VIOLATION);
        assertThat(event.reason()).isEqualTo("go away");
    }

    @Test
    void echoesA16MiBMessageOverTls_fromPemKeyFiles() throws Exception {
        TestCertificate cert = TestCertificate.get();
        SSLContext fromPem = TlsContexts.fromPem(cert.certificatePem(), cert.keyPem());
        start(Context.builder().tls(fromPem).maxMessageSize(17 << 20));
        JdkClient client = connect("TLSv1.3");
        byte[] big = new byte[16 << 20];
        new Random(3).nextBytes(big);
        client.socket.sendBinary(ByteBuffer.wrap(big), true).get(20, TimeUnit.SECONDS);
        Object echoed = client.messages.poll(30, TimeUnit.SECONDS);
        assertThat(echoed).isInstanceOf(byte[].class);
        assertThat(Arrays.equals((byte[]) echoed, big)).isTrue();
    }

    @Test
    void aPeerThatStallsTheTlsHandshakeIsClosedByTheHandshakeTimeout() throws Exception {
        start(Context.builder().tls(TestCertificate.get().serverContext())
                .handshakeTimeout(Duration.ofMillis(300)));
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress("127.0.0.1", context.port()), 5000);
            raw.setSoTimeout(30_000);
            // the first bytes of a ClientHello record header, then nothing
            raw.getOutputStream().write(new byte[] {0x16, 0x03, 0x01});
            raw.getOutputStream().flush();
            InputStream in = raw.getInputStream();
            long start = System.nanoTime();
            byte[] answer;
            try {
                answer = in.readAllBytes(); // at most an alert, then end of stream
            } catch (java.net.SocketException reset) {
                answer = new byte[0];
            }
            assertThat(answer.length).as("nothing but an alert record").isLessThan(64);
            // the 300 ms timeout set above, not the 10 s default (generous for a loaded machine)
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
        }
        assertThat(protocol.established).isEmpty();
    }

    @Test
    void servesAStaticFileOverHttps(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        byte[] body = new byte[3 << 20];
        new Random(1).nextBytes(body);
        java.nio.file.Files.write(dir.resolve("big.bin"), body);
        start(Context.builder().tls(TestCertificate.get().serverContext()).mount("/", dir));
        HttpClient http = HttpClient.newBuilder()
                .sslContext(TestCertificate.get().clientContext()).build();
        java.net.http.HttpResponse<byte[]> response = http.send(java.net.http.HttpRequest
                .newBuilder(URI.create("https://127.0.0.1:" + context.port() + "/big.bin"))
                .timeout(Duration.ofSeconds(20)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Arrays.equals(response.body(), body)).isTrue();
    }

    @Test
    void aPlainTextClientOnTheTlsPortIsDropped() throws Exception {
        start(Context.builder().tls(TestCertificate.get().serverContext()));
        try (Socket raw = new Socket("127.0.0.1", context.port())) {
            raw.setSoTimeout(5000);
            raw.getOutputStream().write(("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] answer = raw.getInputStream().readNBytes(64);
            assertThat(new String(answer, java.nio.charset.StandardCharsets.ISO_8859_1))
                    .doesNotContain("HTTP/1.1 101");
        }
    }

    @Test
    void aClientsCloseNotifyEndsTheConnectionAndIsAnswered() throws Exception {
        start(Context.builder().tls(TestCertificate.get().serverContext()));
        SSLContext client = TestCertificate.get().clientContext();
        try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1",
                context.port())) {
            s.setSoTimeout(5000);
            s.setEnabledProtocols(new String[] {"TLSv1.3"});
            s.startHandshake();
            s.shutdownOutput(); // TLS 1.3 half-close: close_notify, the socket stays readable
            assertThat(s.getInputStream().read()).as("our close_notify ends the stream")
                    .isEqualTo(-1);
        }
    }

    @Test
    void closeNotifyIsSentWhenTheServerClosesTheTlsSession() throws Exception {
        start(Context.builder().tls(TestCertificate.get().serverContext()));
        SSLContext client = TestCertificate.get().clientContext();
        try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1",
                context.port())) {
            s.setSoTimeout(5000);
            s.startHandshake();
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            byte[] all = s.getInputStream().readAllBytes(); // ends at close_notify, not a reset
            assertThat(new String(all, java.nio.charset.StandardCharsets.ISO_8859_1))
                    .startsWith("HTTP/1.1 404");
        }
    }
}
