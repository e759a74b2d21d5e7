package io.lws4j.examples.chat;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A blocking connection to a Redis server speaking RESP2, just enough for the chat relay:
 * commands as arrays of bulk strings, replies as strings, integers, errors and arrays. The
 * example carries this rather than a client library so that it needs no dependency at all.
 *
 * <p>Not thread-safe: one thread uses an instance (the relay's publisher or subscriber).
 */
final class RespConnection implements AutoCloseable {
    /** The largest bulk string read; a longer one is a protocol error. */
    private static final int MAX_BULK_BYTES = 64 * 1024 * 1024;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RespConnection(InetSocketAddress address) throws IOException {
        socket = new Socket();
        try {
            socket.connect(address, 5_000);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream());
            out = new BufferedOutputStream(socket.getOutputStream());
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Writes a command without flushing, so several can go in one write. */
    void write(String... args) throws IOException {
        out.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            out.write(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.write('\r');
            out.write('\n');
        }
    }

    void flush() throws IOException {
        out.flush();
    }

    /**
     * Reads one reply.
     *
     * @return a String (simple or bulk; null for a null bulk), a Long, or a List of those
     * @throws IOException on end of stream, a malformed reply, or an error reply
     */
    Object read() throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("redis closed the connection");
        }
        String line = readLine();
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new IOException("redis error: " + line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                if (length > MAX_BULK_BYTES) {
                    throw new IOException("redis bulk string too long: " + length);
                }
                byte[] bytes = in.readNBytes(length);
                if (bytes.length < length || in.read() != '\r' || in.read() != '\n') {
                    throw new IOException("truncated redis bulk string");
                }
                return new String(bytes, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                List<Object> items = new ArrayList<>(Math.max(0, Math.min(count, 16)));
                for (int i = 0; i < count; i++) {
                    items.add(read());
                }
                return items;
            }
            default:
                throw new IOException("unexpected redis reply type: " + (char) type);
        }
    }

    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("redis closed the connection");
            }
            if (b == '\r') {
                if (in.read() != '\n') {
                    throw new IOException("malformed redis reply line");
                }
                return sb.toString();
            }
            if (sb.length() > 64) {
                throw new IOException("redis reply line too long");
            }
            sb.append((char) b);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing: nothing to do
        }
    }
}
