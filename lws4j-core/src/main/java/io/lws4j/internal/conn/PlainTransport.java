package io.lws4j.internal.conn;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;

/**
 * The transport of a {@code ws://} connection: the socket itself, nothing buffered.
 *
 * <p>Service-thread confined: all methods must be called on the owning service thread.
 */
public final class PlainTransport implements Transport {
    private final SocketChannel socket;

    /**
     * @param socket a connected non-blocking socket
     */
    public PlainTransport(SocketChannel socket) {
        this.socket = socket;
    }

    @Override
    public SocketChannel socket() {
        return socket;
    }

    @Override
    public WritableByteChannel fileTarget() {
        return socket;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return socket.read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return socket.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return socket.write(srcs, offset, length);
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return socket.write(srcs);
    }

    @Override
    public boolean hasBufferedInput() {
        return false;
    }

    @Override
    public boolean hasPendingOutput() {
        return false;
    }

    @Override
    public void flushPending() {
        // nothing is ever pending
    }

    @Override
    public boolean isHandshaking() {
        return false;
    }

    @Override
    public boolean isStalled() {
        return false;
    }

    @Override
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
