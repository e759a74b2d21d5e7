package io.lws4j.benchmarks.soak;

import io.lws4j.benchmarks.Wire;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.zip.Deflater;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The soak's misbehaving clients, one blocking socket each, and what the server must do
 * about them. Each {@link #run} returns null when the server answered as it should, or what
 * went wrong. Every fault ends with its socket closed, and every wait is bounded.
 *
 * <ul>
 *   <li>{@link Kind#ABORT}: an upgraded connection reset (RST, {@code SO_LINGER} 0) mid-echo.
 *   <li>{@link Kind#STOP_READING}: an upgraded connection floods echo requests and never
 *       reads: the server's outbound bound fills, it closes (1008) and drops the socket.
 *   <li>{@link Kind#HALF_OPEN}: an upgraded connection that goes silent without closing:
 *       the server's pings go unanswered and the idle timeout drops it.
 *   <li>{@link Kind#SLOWLORIS}: a request head dripped a header every second: the
 *       handshake timeout drops it.
 *   <li>{@link Kind#BAD_FRAME}: a frame with a reserved opcode: close 1002.
 *   <li>{@link Kind#TLS_FAIL}: plaintext sent to the TLS port, or a client that trusts
 *       nothing aborting the handshake: the server drops the connection.
 *   <li>{@link Kind#BOMB}: a compressed message that inflates far past the message limit:
 *       close 1009.
 * </ul>
 *
 * <p>Thread-safe: instances are immutable; each call owns its socket.
 */
final class Faults {
    enum Kind { ABORT, STOP_READING, HALF_OPEN, SLOWLORIS, BAD_FRAME, TLS_FAIL, BOMB }

    private final String host;
    private final int wsPort;
    private final int wssPort;
    /** How long a dropped connection may take to be noticed: idle or handshake timeout plus slack. */
    private final int idleMillis;
    private final int handshakeMillis;
    private final int bombBytes;

    Faults(String host, int wsPort, int wssPort, int idleMillis, int handshakeMillis, int bombBytes) {
        this.host = host;
        this.wsPort = wsPort;
        this.wssPort = wssPort;
        this.idleMillis = idleMillis;
        this.handshakeMillis = handshakeMillis;
        this.bombBytes = bombBytes;
    }

    /** Runs one fault; null when the server behaved, else what it did instead. */
    String run(Kind kind, boolean variant) {
        try {
            return switch (kind) {
                case ABORT -> abort();
                case STOP_READING -> stopReading();
                case HALF_OPEN -> halfOpen();
                case SLOWLORIS -> slowloris();
                case BAD_FRAME -> badFrame();
                case TLS_FAIL -> variant ? tlsUntrusting() : tlsPlaintext();
                case BOMB -> bomb();
            };
        } catch (IOException | RuntimeException e) {
            return kind + ": " + e;
        }
    }

    private Socket upgraded(String path, boolean deflate) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(host, wsPort), 10_000);
        s.setSoTimeout(15_000);
        s.getOutputStream().write(Wire.upgradeRequest(host, wsPort, path, null, deflate));
        String head = readHead(s.getInputStream());
        if (!head.startsWith("HTTP/1.1 101")) {
            s.close();
            throw new IOException("upgrade refused: " + head.lines().findFirst().orElse(""));
        }
        String ext = Wire.header(head, "Sec-WebSocket-Extensions");
        if (deflate && (ext == null || !ext.contains("permessage-deflate"))) {
            s.close();
            throw new IOException("permessage-deflate not accepted");
        }
        return s;
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("end of stream in the response head");
            }
            head.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private String abort() throws IOException {
        try (Socket s = upgraded("/echo", false)) {
            OutputStream out = s.getOutputStream();
            out.write(Wire.maskedFrame(Wire.OP_TEXT, "e 0".getBytes(StandardCharsets.US_ASCII)));
            out.write(Wire.maskedFrame(Wire.OP_TEXT, "e 1".getBytes(StandardCharsets.US_ASCII)));
            out.flush();
            s.setSoLinger(true, 0); // close sends RST, whatever is in flight
        }
        return null;
    }

    private String stopReading() throws IOException {
        // Non-blocking from here, so a full socket ends the flood instead of blocking us.
        try (SocketChannel ch = SocketChannel.open()) {
            ch.socket().setReceiveBufferSize(4096);
            ch.connect(new InetSocketAddress(host, wsPort));
            ch.socket().setSoTimeout(15_000);
            ch.write(ByteBuffer.wrap(Wire.upgradeRequest(host, wsPort, "/echo", null, false)));
            String head = readHead(ch.socket().getInputStream());
            if (!head.startsWith("HTTP/1.1 101")) {
                return "STOP_READING: upgrade refused";
            }
            ch.configureBlocking(false);
            byte[] frame = Wire.maskedFrame(Wire.OP_TEXT, "y".repeat(16 * 1024).getBytes(StandardCharsets.US_ASCII));
            ByteBuffer b = ByteBuffer.allocate(0);
            long written = 0;
            long stuckSince = System.nanoTime();
            long deadline = System.nanoTime() + (idleMillis + 20_000L) * 1_000_000L;
            while (System.nanoTime() < deadline) {
                if (!b.hasRemaining()) {
                    b = ByteBuffer.wrap(frame);
                }
                int n;
                try {
                    n = ch.write(b);
                } catch (IOException dropped) {
                    return null; // the server closed it (RST once our writes hit its closed socket)
                }
                written += n;
                if (n > 0) {
                    stuckSince = System.nanoTime();
                } else {
                    sleep(100);
                    if (System.nanoTime() - stuckSince > 2_000_000_000L && dropped(ch)) {
                        return null;
                    }
                }
            }
            return "STOP_READING: the server kept the connection after " + written + " bytes";
        }
    }

    /** Reads (discarding) what the socket holds: true once it reaches end of stream or a reset. */
    private static boolean dropped(SocketChannel ch) {
        ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
        try {
            for (int i = 0; i < 64; i++) {
                sink.clear();
                int n = ch.read(sink);
                if (n < 0) {
                    return true;
                }
                if (n == 0) {
                    return false;
                }
            }
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private String halfOpen() throws IOException {
        try (Socket s = upgraded("/echo", false)) {
            // Silent from now: never a pong, never a byte. The server must give up on us.
            s.setSoTimeout(idleMillis + 20_000);
            return awaitDrop(s, "HALF_OPEN");
        }
    }

    /** Reads until end of stream or reset (the server dropped us); discards pings and the close. */
    private static String awaitDrop(Socket s, String what) {
        try {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            while (in.read(buf) >= 0) {
                // pings, then the close frame
            }
            return null;
        } catch (SocketTimeoutException e) {
            return what + ": the server kept the connection open";
        } catch (IOException reset) {
            return null;
        }
    }

    private String slowloris() throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, wsPort), 10_000);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /echo HTTP/1.1\r\nHost: " + host + "\r\n").getBytes(StandardCharsets.US_ASCII));
            long deadline = System.nanoTime() + (handshakeMillis + 15_000L) * 1_000_000L;
            int i = 0;
            while (System.nanoTime() < deadline) {
                try {
                    if (s.getInputStream().read() < 0) {
                        return null;
                    }
                    // a response (408 or 400) before the close is fine too: keep reading
                } catch (SocketTimeoutException quiet) {
                    try {
                        out.write(("X-Drip-" + i++ + ": 1\r\n").getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException dropped) {
                        return null;
                    }
                } catch (IOException reset) {
                    return null;
                }
            }
            return "SLOWLORIS: the server kept a " + i + "-header head open past its handshake timeout";
        }
    }

    private String badFrame() throws IOException {
        try (Socket s = upgraded("/echo", false)) {
            byte[] frame = Wire.maskedFrame(3, "reserved".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(frame);
            int code = readCloseCode(s.getInputStream());
            return code == 1002 ? null : "BAD_FRAME: close code " + code + ", expected 1002";
        }
    }

    private String bomb() throws IOException {
        try (Socket s = upgraded("/echo", true)) {
            Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
            byte[] zeros = new byte[64 * 1024];
            ByteArrayOutputStream packed = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            try {
                for (int done = 0; done < bombBytes; done += zeros.length) {
                    d.setInput(zeros);
                    int n;
                    while ((n = d.deflate(chunk, 0, chunk.length, Deflater.NO_FLUSH)) > 0) {
                        packed.write(chunk, 0, n);
                    }
                }
                int n;
                while ((n = d.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH)) > 0) {
                    packed.write(chunk, 0, n);
                    if (n < chunk.length) {
                        break;
                    }
                }
            } finally {
                d.end();
            }
            byte[] p = packed.toByteArray();
            byte[] payload = java.util.Arrays.copyOf(p, p.length - 4); // without 00 00 ff ff
            s.getOutputStream().write(Wire.maskedFrame(Wire.OP_BINARY, true, payload));
            int code = readCloseCode(s.getInputStream());
            return code == 1009 ? null : "BOMB: close code " + code + ", expected 1009";
        }
    }

    private String tlsPlaintext() throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, wssPort), 10_000);
            s.setSoTimeout(handshakeMillis + 15_000);
            s.getOutputStream().write(("GET /echo HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return awaitDrop(s, "TLS_FAIL (plaintext)");
        }
    }

    private String tlsUntrusting() throws IOException {
        SSLContext ctx;
        try {
            ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new TrustNothing()}, null);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
            s.connect(new InetSocketAddress(host, wssPort), 10_000);
            s.setSoTimeout(15_000);
            try {
                s.startHandshake();
                return "TLS_FAIL: a client that trusts nothing completed the handshake";
            } catch (SSLException expected) {
                return null;
            }
        }
    }

    /** Reads frames until a close frame: its code, 1005 without one, -1 at end of stream first. */
    private static int readCloseCode(InputStream in) throws IOException {
        while (true) {
            int b0 = in.read();
            int b1 = in.read();
            if (b0 < 0 || b1 < 0) {
                return -1;
            }
            long len = b1 & 0x7f;
            if (len == 126) {
                len = (in.read() << 8) | in.read();
            } else if (len == 127) {
                len = 0;
                for (int i = 0; i < 8; i++) {
                    len = (len << 8) | in.read();
                }
            }
            byte[] payload = in.readNBytes((int) len);
            if ((b0 & 0x0f) == Wire.OP_CLOSE) {
                return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Refuses every server certificate: the handshake fails on the client side. */
    private static final class TrustNothing implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("trusts nothing");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("trusts nothing");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
