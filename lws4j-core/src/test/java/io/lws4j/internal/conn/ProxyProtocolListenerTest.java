package io.lws4j.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Request;
import io.lws4j.TrustedProxies;
import io.lws4j.internal.tls.TestCertificate;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A listener with {@code proxyProtocol(true)} through real sockets on 127.0.0.1: PROXY v1
 * and v2 headers (whole, split, address-less) in front of a websocket upgrade, over ws and
 * wss, and the connections that must be dropped without a response: a malformed header, no
 * header, a header too slow for the handshake timeout, a peer outside the trusted set.
 * Headers are written out byte by byte here, independently of the decoder.
 */
class ProxyProtocolListenerTest {

    private static final byte[] V2_SIGNATURE = {
        0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A
    };

    private final HandshakeHookTest.HookProtocol protocol = new HandshakeHookTest.HookProtocol();
    private Context context;

    private void start(Context.Builder builder) {
        context = builder.bindAddress("127.0.0.1").port(0).protocol("chat", protocol)
                .proxyProtocol(true).build();
    }

    @AfterEach
    void closeContext() {
        if (context != null) {
            context.close();
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** A v2 PROXY header for TCP over IPv6 with one NOOP TLV, built field by field. */
    private static byte[] v2Tcp6(byte[] src, byte[] dst, int srcPort, int dstPort) {
        byte[] tlv = {0x04, 0x00, 0x03, 'a', 'b', 'c'}; // PP2_TYPE_NOOP, length 3
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(V2_SIGNATURE);
        out.write(0x21); // version 2, PROXY
        out.write(0x21); // AF_INET6, STREAM
        int length = 36 + tlv.length;
        out.write(length >> 8);
        out.write(length & 0xff);
        out.writeBytes(src);
        out.writeBytes(dst);
        out.write(srcPort >> 8);
        out.write(srcPort & 0xff);
        out.write(dstPort >> 8);
        out.write(dstPort & 0xff);
        out.writeBytes(tlv);
        return out.toByteArray();
    }

    private static byte[] v2Local() {
        return concat(V2_SIGNATURE, new byte[] {0x20, 0x00, 0x00, 0x00}); // LOCAL, UNSPEC, length 0
    }

    /** Everything the server sends until it closes; a reset counts as the end. */
    private static byte[] readUntilClosed(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] chunk = new byte[512];
        try {
            for (int n; (n = in.read(chunk)) >= 0; ) {
                got.write(chunk, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close within 10 s; it sent "
                    + got.size() + " bytes", e);
        } catch (SocketException reset) {
            // closed with unread input: a reset, still no response
        }
        return got.toByteArray();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", context.port()), 5_000);
        s.setTcpNoDelay(true);
        return s;
    }

    private void assertEchoes(RawClient raw) throws IOException {
        raw.sendText("after the proxy header");
        assertThat(raw.readFrame().text()).isEqualTo("after the proxy header");
    }

    @Test
    void v1HeaderAndUpgradeInOneWrite_theHookAndTheConnectionSeeTheProxiedSource()
            throws Exception {
        start(Context.builder());
        try (RawClient raw = new RawClient(connect(), 5_000)) {
            raw.send(concat(ascii("PROXY TCP4 203.0.113.7 192.0.2.1 51234 443\r\n"),
                    ascii(RawClient.upgradeRequest(""))));
            assertThat(raw.readHead()).startsWith("HTTP/1.1 101");
            Request seen = protocol.awaitRequest();
            Connection c = protocol.awaitEstablished();
            InetSocketAddress proxied = new InetSocketAddress("203.0.113.7", 51234);
            assertThat(seen.peerAddress()).isEqualTo(proxied);
            assertThat(seen.clientAddress()).isEqualTo(proxied);
            assertThat(c.remoteAddress()).isEqualTo(proxied);
            assertThat(seen.socketPeerAddress().getAddress().getHostAddress())
                    .isEqualTo("127.0.0.1");
            assertThat(seen.socketPeerAddress()).isNotEqualTo(proxied);
            assertEchoes(raw);
        }
    }

    @Test
    void v2HeaderSplitAcrossWrites_thenTheRequestInPieces() throws Exception {
        start(Context.builder());
        byte[] src = new byte[16];
        src[0] = 0x20;
        src[1] = 0x01;
        src[2] = 0x0d;
        src[3] = (byte) 0xb8;
        src[15] = 0x09; // 2001:db8::9
        byte[] dst = new byte[16];
        dst[15] = 1; // ::1
        byte[] header = v2Tcp6(src, dst, 40000, 8443);
        byte[] request = ascii(RawClient.upgradeRequest(""));
        try (RawClient raw = new RawClient(connect(), 5_000)) {
            // pieces ending inside the signature, inside the length, inside the addresses,
            // and the header's last bytes together with the request's first
            int[] cuts = {5, 14, 15, 30, header.length - 2};
            int from = 0;
            for (int cut : cuts) {
                raw.send(java.util.Arrays.copyOfRange(header, from, cut));
                Thread.sleep(20); // separate segments, most likely separate reads
                from = cut;
            }
            raw.send(concat(java.util.Arrays.copyOfRange(header, from, header.length),
                    java.util.Arrays.copyOfRange(request, 0, 10)));
            Thread.sleep(20);
            raw.send(java.util.Arrays.copyOfRange(request, 10, request.length));
            assertThat(raw.readHead()).startsWith("HTTP/1.1 101");
            Request seen = protocol.awaitRequest();
            assertThat(seen.peerAddress())
                    .isEqualTo(new InetSocketAddress("2001:db8::9", 40000));
            assertThat(protocol.awaitEstablished().remoteAddress())
                    .isEqualTo(new InetSocketAddress("2001:db8::9", 40000));
            assertEchoes(raw);
        }
    }

    @Test
    void v2LocalKeepsTheSocketsPeer() throws Exception {
        start(Context.builder());
        try (RawClient raw = new RawClient(connect(), 5_000)) {
            raw.send(concat(v2Local(), ascii(RawClient.upgradeRequest(""))));
            assertThat(raw.readHead()).startsWith("HTTP/1.1 101");
            Request seen = protocol.awaitRequest();
            assertThat(seen.peerAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            assertThat(seen.peerAddress()).isEqualTo(seen.socketPeerAddress());
            assertThat(protocol.awaitEstablished().remoteAddress())
                    .isEqualTo(seen.socketPeerAddress());
        }
    }

    @Test
    void aMalformedHeaderIsDroppedWithoutAResponse() throws Exception {
        start(Context.builder());
        try (Socket s = connect()) {
            s.getOutputStream().write(concat(ascii("PROXY TCP4 203.0.113.7 not-an-address 1 2\r\n"),
                    ascii(RawClient.upgradeRequest(""))));
            assertThat(readUntilClosed(s)).isEmpty();
        }
        assertThat(protocol.requests).isEmpty();
        assertThat(protocol.established).isEmpty();
    }

    @Test
    void anUpgradeWithoutAHeaderIsDroppedWithoutAResponse() throws Exception {
        start(Context.builder());
        try (Socket s = connect()) {
            s.getOutputStream().write(ascii(RawClient.upgradeRequest("")));
            assertThat(readUntilClosed(s)).isEmpty();
        }
        assertThat(protocol.requests).isEmpty();
    }

    @Test
    void aHeaderSlowerThanTheHandshakeTimeoutIsDropped() throws Exception {
        start(Context.builder().handshakeTimeout(Duration.ofMillis(300)));
        try (Socket s = connect()) {
            s.getOutputStream().write(ascii("PROXY TCP4 203.0.113.7 "));
            long start = System.nanoTime();
            assertThat(readUntilClosed(s)).isEmpty();
            // generous: the point is that the timeout, not the 10 s read bound, ended it
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofSeconds(8));
        }
        assertThat(protocol.requests).isEmpty();
    }

    @Test
    void aPeerOutsideANonEmptyTrustedSetMayNotSendAHeader() throws Exception {
        start(Context.builder().trustedProxies(TrustedProxies.of("10.0.0.0/8")));
        try (Socket s = connect()) {
            try {
                s.getOutputStream().write(concat(
                        ascii("PROXY TCP4 203.0.113.7 192.0.2.1 51234 443\r\n"),
                        ascii(RawClient.upgradeRequest(""))));
            } catch (SocketException alreadyClosed) {
                // the server may have closed before the write
            }
            assertThat(readUntilClosed(s)).isEmpty();
        }
        assertThat(protocol.requests).isEmpty();
    }

    @Test
    void aTrustedPeersHeaderIsRead_andItsSourceIsThePeerForwardingHeadersAreCheckedAgainst()
            throws Exception {
        start(Context.builder().trustedProxies(TrustedProxies.of("127.0.0.1", "10.0.0.0/8")));
        try (RawClient raw = new RawClient(connect(), 5_000)) {
            raw.send(concat(ascii("PROXY TCP4 10.1.2.3 10.0.0.1 40001 80\r\n"),
                    ascii(RawClient.upgradeRequest("X-Forwarded-For: 198.51.100.9\r\n"
                            + "X-Forwarded-Proto: https\r\n"))));
            assertThat(raw.readHead()).startsWith("HTTP/1.1 101");
            Request seen = protocol.awaitRequest();
            assertThat(seen.peerAddress()).isEqualTo(new InetSocketAddress("10.1.2.3", 40001));
            assertThat(seen.clientAddress().getAddress().getHostAddress())
                    .isEqualTo("198.51.100.9");
            assertThat(seen.scheme()).isEqualTo("wss");
            assertThat(seen.isTls()).isFalse();
        }
    }

    @Test
    void aProxiedSourceOutsideTheTrustedSetHasItsForwardingHeadersIgnored() throws Exception {
        start(Context.builder().trustedProxies(TrustedProxies.of("127.0.0.1")));
        try (RawClient raw = new RawClient(connect(), 5_000)) {
            raw.send(concat(ascii("PROXY TCP4 203.0.113.7 192.0.2.1 51234 443\r\n"),
                    ascii(RawClient.upgradeRequest("X-Forwarded-For: 198.51.100.9\r\n"))));
            assertThat(raw.readHead()).startsWith("HTTP/1.1 101");
            Request seen = protocol.awaitRequest();
            assertThat(seen.clientAddress()).isEqualTo(new InetSocketAddress("203.0.113.7", 51234));
        }
    }

    /** A socket whose first write is preceded, in the same write, by a prefix. */
    private static final class PrefixingSocket extends Socket {
        private final byte[] prefix;
        private OutputStream prefixed;

        PrefixingSocket(byte[] prefix) {
            this.prefix = prefix;
        }

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (prefixed == null) {
                prefixed = new FilterOutputStream(super.getOutputStream()) {
                    private boolean sent;

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        if (!sent) {
                            sent = true;
                            byte[] first = concat(prefix, java.util.Arrays.copyOfRange(b, off,
                                    off + len));
                            out.write(first, 0, first.length);
                            return;
                        }
                        out.write(b, off, len);
                    }
                };
            }
            return prefixed;
        }
    }

    @Test
    void wss_theHeaderComesBeforeTheClientHello_inTheSameWrite() throws Exception {
        start(Context.builder().tls(TestCertificate.get().serverContext()));
        PrefixingSocket plain = new PrefixingSocket(
                ascii("PROXY TCP6 2001:db8::7 2001:db8::1 50000 443\r\n"));
        plain.connect(new InetSocketAddress("127.0.0.1", context.port()), 5_000);
        plain.setTcpNoDelay(true);
        SSLSocket tls = (SSLSocket) TestCertificate.get().clientContext().getSocketFactory()
                .createSocket(plain, "127.0.0.1", context.port(), true);
        try (RawClient raw = new RawClient(tls, 5_000)) {
            raw.send(ascii(RawClient.upgradeRequest("")));
            assertThat(raw.readHead()).startsWith("HTTP/1.1 101");
            Request seen = protocol.awaitRequest();
            assertThat(seen.isTls()).isTrue();
            assertThat(seen.scheme()).isEqualTo("wss");
            assertThat(seen.peerAddress()).isEqualTo(new InetSocketAddress("2001:db8::7", 50000));
            assertEchoes(raw);
        }
    }

    @Test
    void wss_theHeaderAloneFirst_thenTheTlsHandshake() throws Exception {
        start(Context.builder().tls(TestCertificate.get().serverContext()));
        Socket plain = connect();
        plain.getOutputStream().write(ascii("PROXY TCP4 203.0.113.8 192.0.2.1 50001 443\r\n"));
        plain.getOutputStream().flush();
        Thread.sleep(50); // most likely read on its own, before the ClientHello
        SSLSocket tls = (SSLSocket) TestCertificate.get().clientContext().getSocketFactory()
                .createSocket(plain, "127.0.0.1", context.port(), true);
        try (RawClient raw = new RawClient(tls, 5_000)) {
            raw.send(ascii(RawClient.upgradeRequest("")));
            assertThat(raw.readHead()).startsWith("HTTP/1.1 101");
            assertThat(protocol.awaitRequest().peerAddress())
                    .isEqualTo(new InetSocketAddress("203.0.113.8", 50001));
            assertEchoes(raw);
        }
    }

    @Test
    void wss_aClientHelloWithoutAHeaderIsDropped() throws Exception {
        start(Context.builder().tls(TestCertificate.get().serverContext()));
        try (Socket s = connect()) {
            // a TLS record header (handshake, TLS 1.0 record version) as a ClientHello starts
            s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0, 0, 1, 0});
            assertThat(readUntilClosed(s)).isEmpty();
        }
        assertThat(protocol.requests).isEmpty();
    }
}
