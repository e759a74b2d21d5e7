package io.lws4j.internal.conn;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;

/**
 * The transport of a {@code ws://} connection: the socket itself, nothing buffered.
 *
 * <p>Service-thread confined, like every {@link Transport}: {@link #writeWithoutRole} is the
 * one method called without the role, between begin and end.
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

    /** A socket is safe to write from one thread while another reads it. */
    @Override
    public boolean canWriteWithoutRole() {
        return true;
    }

    @Override
    public void beginWriteWithoutRole() {
        // nothing to reserve: no output of our own
    }

    @Override
    public long writeWithoutRole(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return socket.write(srcs, offset, length);
    }

    @Override
    public boolean endWriteWithoutRole() {
        return false; // nothing is left behind: what the socket did not take stays in the caller's buffers
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
