package io.lws4j.internal.conn;

import java.io.IOException;
import java.nio.ByteBuffer;
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
 * <p>A write may run without the service role: {@link #canWriteWithoutRole()} and
 * {@link #beginWriteWithoutRole()} with the role, then {@link #writeWithoutRole} on a thread
 * that no longer holds it, then {@link #endWriteWithoutRole()} with the role again. In
 * between, the connection makes no other write through the transport.
 *
 * <p>Service-thread confined: all methods except {@link #writeWithoutRole} must be called
 * by the holder of the owning loop's service role. The role's hand-over and the served
 * queue order the write without the role between its begin and its end.
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

    /**
     * @return true when a write without the role can begin now; no state changes
     */
    boolean canWriteWithoutRole();

    /**
     * With the role: after {@link #canWriteWithoutRole()} said yes, reserves the transport
     * for one {@link #writeWithoutRole} until {@link #endWriteWithoutRole()}. Meanwhile it
     * produces no output of its own (a TLS session defers its handshake records and skips
     * its close_notify).
     */
    void beginWriteWithoutRole();

    /**
     * Without the role, between begin and end: writes as much of the buffers as the socket
     * takes now (a TLS session encrypts them first; what the socket did not take is kept
     * for {@link #endWriteWithoutRole()} to queue). Safe while the role holder reads.
     *
     * @param srcs the buffers
     * @param offset the first buffer
     * @param length how many buffers
     * @return the bytes of {@code srcs} consumed
     * @throws IOException from the socket or the TLS engine
     */
    long writeWithoutRole(ByteBuffer[] srcs, int offset, int length) throws IOException;

    /**
     * With the role again: ends the write begun by {@link #beginWriteWithoutRole()}; output
     * it left behind becomes pending output ({@link #hasPendingOutput()}).
     *
     * @return true when a read stopped meanwhile for output only the writer could make (a
     *     TLS handshake record): the caller must read again now
     */
    boolean endWriteWithoutRole();
}
