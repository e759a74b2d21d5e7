package io.lws4j.internal.conn;

import io.lws4j.internal.frame.FrameWriter;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A blocking websocket client over a plain socket, for tests that need byte-level control:
 * it sends masked frames built by {@link FrameWriter#encodeMasked} and parses the server's
 * unmasked frames. Every read is bounded by a 5 s socket timeout.
 *
 * <p>Not thread-safe: instances must not be shared.
 */
final class RawClient implements AutoCloseable {
    /** A server frame; {@code rsv1} marks a permessage-deflate compressed message. */
    record Frame(int opcode, boolean fin, byte[] payload, boolean rsv1) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return payload.length < 2 ? 1005 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }
    }

    static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    RawClient(int port) throws IOException {
        this(port, 5_000);
    }

    RawClient(int port, int readTimeoutMillis) throws IOException {
        this(connect(port), readTimeoutMillis);
    }

    /** Over a socket already connected (a TLS socket, say). */
    RawClient(Socket connected, int readTimeoutMillis) throws IOException {
        socket = connected;
        socket.setSoTimeout(readTimeoutMillis);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return s;
    }

    void setReadTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    static String upgradeRequest(String extraHeaders) {
        return "GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + KEY + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n";
    }

    /** Sends the upgrade request and returns the response head. */
    String handshake() throws IOException {
        send(upgradeRequest("").getBytes(StandardCharsets.US_ASCII));
        return readHead();
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void sendFrame(int opcode, boolean fin, byte[] payload) throws IOException {
        ByteBuffer frame = FrameWriter.encodeMasked(opcode, fin, ByteBuffer.wrap(payload), 0x1234abcd);
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        send(bytes);
    }

    void sendText(String text) throws IOException {
        sendFrame(FrameWriter.OP_TEXT, true, text.getBytes(StandardCharsets.UTF_8));
    }

    void sendClose(int code, String reason) throws IOException {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + r.length];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(r, 0, payload, 2, r.length);
        sendFrame(FrameWriter.OP_CLOSE, true, payload);
    }

    /** Reads an HTTP response head (up to the blank line). */
    String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("end of stream in the response head: " + head);
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    byte[] readBytes(int n) throws IOException {
        byte[] bytes = new byte[n];
        in.readFully(bytes);
        return bytes;
    }

    Frame readFrame() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        if ((b1 & 0x80) != 0) {
            throw new IOException("server frame is masked");
        }
        long len = b1 & 0x7f;
        if (len == 126) {
            len = in.readUnsignedShort();
        } else if (len == 127) {
            len = in.readLong();
        }
        byte[] payload = new byte[Math.toIntExact(len)];
        in.readFully(payload);
        return new Frame(b0 & 0x0f, (b0 & 0x80) != 0, payload, (b0 & 0x40) != 0);
    }

    /** Reads frames until a close frame and returns it (data frames are skipped). */
    Frame readUntilClose() throws IOException {
        while (true) {
            Frame f = readFrame();
            if (f.opcode() == FrameWriter.OP_CLOSE) {
                return f;
            }
        }
    }

    /** @return true when the server closed the TCP connection (read gives end of stream) */
    boolean isClosedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true; // reset counts as closed
        }
    }

    InputStream input() {
        return in;
    }

    /** The socket's output, for tests that write large frames without copying them. */
    OutputStream socketOutput() {
        return out;
    }

    void setReceiveBuffer(int bytes) throws IOException {
        socket.setReceiveBufferSize(bytes);
    }

    /** Closes with a TCP reset (SO_LINGER 0), so the server's next read or write fails. */
    void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
