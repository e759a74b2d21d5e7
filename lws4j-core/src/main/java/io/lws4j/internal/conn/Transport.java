package io.lws4j.internal.conn;

import java.io.IOException;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;

/**
 * The byte stream a connection reads and writes application bytes through: the plain socket
 * or a TLS session over it. Reads and writes never block; they return 0 when no progress
 * can be made now.
 *
 * <p>Beyond a socket, a transport may hold bytes of its own: decrypted input not yet read
 * ({@link #hasBufferedInput()}), encrypted output not yet written
 * ({@link #hasPendingOutput()}), and it may wait for an off-loop task
 * ({@link #isStalled()}), after which it calls the resume action its creator gave it, on
 * the service thread.
 *
 * <p>Service-thread confined: all methods must be called on the owning service thread.
 */
public interface Transport extends ByteChannel, GatheringByteChannel {

    /**
     * @return the underlying socket
     */
    SocketChannel socket();

    /**
     * @return where static file bytes go: the socket itself when plain (zero copy), else this
     */
    WritableByteChannel fileTarget();

    /**
     * @return true when {@link #read} would return bytes without the socket being readable
     */
    boolean hasBufferedInput();

    /**
     * @return true when bytes produced by earlier writes still wait for the socket
     */
    boolean hasPendingOutput();

    /**
     * Writes pending output as far as the socket takes it.
     *
     * @throws IOException from the socket
     */
    void flushPending() throws IOException;

    /**
     * @return true while a handshake blocks application writes until the peer answers
     */
    boolean isHandshaking();

    /**
     * @return true while an off-loop task runs; no I/O progress is possible until the
     *     transport's resume action runs
     */
    boolean isStalled();

    /**
     * Half-closes: ends our output (TLS: close_notify first, best effort), input stays open.
     *
     * @throws IOException from the socket
     */
    void shutdownOutput() throws IOException;
}
