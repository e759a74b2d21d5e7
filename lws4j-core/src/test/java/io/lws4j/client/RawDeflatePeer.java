package io.lws4j.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.lws4j.internal.http.UpgradeHandshake;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A raw websocket server for one client, driven step by step from the test thread: answers
 * the upgrade with a chosen {@code Sec-WebSocket-Extensions} line, writes hand-made
 * (compressed, fragmented) frames, and reads the client's frames, checking their masks.
 * Compression here is plain java.util.zip, independent of the code under test.
 *
 * <p>Not thread-safe: instances must not be shared.
 */
final class RawDeflatePeer implements AutoCloseable {
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    /** One frame from the client, unmasked. */
    record Frame(boolean fin, boolean rsv1, int opcode, byte[] payload) {
    }

    private final ServerSocket server;
    private Socket socket;
    private DataInputStream in;
    private OutputStream out;
    String request;

    RawDeflatePeer() throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"));
        server.setSoTimeout(10_000);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Accepts the client and answers its upgrade; extensionsLine null for no header. */
    void handshake(String extensionsLine) throws IOException {
        socket = server.accept();
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("client closed during its request");
            }
            head.append((char) b);
        }
        request = head.toString();
        String key = "";
        for (String line : request.split("\r\n")) {
            if (line.toLowerCase().startsWith("sec-websocket-key:")) {
                key = line.substring(line.indexOf(':') + 1).strip();
            }
        }
        String response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + UpgradeHandshake.acceptKey(key)
                + "\r\n" + (extensionsLine == null ? "" : "Sec-WebSocket-Extensions: "
                + extensionsLine + "\r\n") + "\r\n";
        out.write(response.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Writes one unmasked server frame. */
    void send(boolean fin, boolean rsv1, int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode);
        if (payload.length < 126) {
            f.write(payload.length);
        } else if (payload.length < 65536) {
            f.write(126);
            f.write(payload.length >>> 8);
            f.write(payload.length);
        } else {
            f.write(127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                f.write((int) ((long) payload.length >>> shift));
            }
        }
        f.writeBytes(payload);
        out.write(f.toByteArray());
        out.flush();
    }

    /** Reads one client frame; fails unless it is masked. */
    Frame read() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        assertThat(b1 & 0x80).as("client frames are masked").isEqualTo(0x80);
        long len = b1 & 0x7f;
        if (len == 126) {
            len = in.readUnsignedShort();
        } else if (len == 127) {
            len = in.readLong();
        }
        byte[] key = new byte[4];
        in.readFully(key);
        byte[] payload = new byte[Math.toIntExact(len)];
        in.readFully(payload);
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= key[i & 3];
        }
        return new Frame((b0 & 0x80) != 0, (b0 & 0x40) != 0, b0 & 0x0f, payload);
    }

    /** Compresses one message: raw DEFLATE, SYNC_FLUSH, the 4-byte tail removed. */
    static byte[] compress(Deflater deflater, byte[] message) {
        deflater.setInput(message);
        byte[] buf = new byte[message.length + 1024];
        int n = 0;
        do {
            if (n == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            n += deflater.deflate(buf, n, buf.length - n, Deflater.SYNC_FLUSH);
        } while (n == buf.length);
        assertThat(Arrays.copyOfRange(buf, n - 4, n)).isEqualTo(TAIL);
        return Arrays.copyOf(buf, n - 4);
    }

    /** Decompresses one message (the tail appended), keeping the inflater's window. */
    static byte[] decompress(Inflater inflater, byte[] payload) throws DataFormatException {
        byte[] input = Arrays.copyOf(payload, payload.length + 4);
        System.arraycopy(TAIL, 0, input, payload.length, 4);
        inflater.setInput(input);
        ByteArrayOutputStream result = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!inflater.needsInput()) {
            int n = inflater.inflate(buf);
            if (n == 0 && inflater.needsDictionary()) {
                throw new DataFormatException("needs a dictionary");
            }
            result.write(buf, 0, n);
        }
        return result.toByteArray();
    }

    InputStream input() {
        return in;
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
        }
        server.close();
    }
}
