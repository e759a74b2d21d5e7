package io.lws4j.internal.conn;

/**
 * The life of one TCP connection served by lws4j, from the first byte of its HTTP request
 * to the closed socket.
 *
 * <p>Transitions (every other one is illegal; {@link #CLOSED} is absorbing):
 * <ul>
 * <li>{@code HTTP -> HTTP_RESPONSE}: a complete non-upgrade request (for a handler: with
 *     its body read), an upgrade refused by lws4j's own checks, or a malformed request; the
 *     response is being written, or a handler's response is awaited.</li>
 * <li>{@code HTTP -> OPEN}: a client connection read the server's 101.</li>
 * <li>{@code HTTP -> HANDSHAKE}: an upgrade request passed lws4j's checks (syntax, endpoint
 *     path, origin) and the protocol's handshake hook is asked.</li>
 * <li>{@code HANDSHAKE -> OPEN}: the hook accepted, at once or later, and the 101 is
 *     queued.</li>
 * <li>{@code HANDSHAKE -> HTTP_RESPONSE}: the hook refused, threw (500), or did not decide
 *     within the handshake timeout (503).</li>
 * <li>{@code HANDSHAKE -> CLOSED}: the client left, I/O error, {@code close()} or shutdown
 *     while the decision was pending; a later decision does nothing.</li>
 * <li>{@code HTTP -> CLOSED}: end of stream, I/O error, handshake timeout, shutdown, a drain
 * starting while no request has begun.</li>
 * <li>{@code HTTP_RESPONSE -> HTTP}: a keep-alive response was fully written (not while
 * the context drains).</li>
 * <li>{@code HTTP_RESPONSE -> LINGER}: a non-keep-alive response (an error, a refused
 *     upgrade) was written completely.</li>
 * <li>{@code HTTP_RESPONSE -> CLOSED}: the transport failed, the send timeout (the peer
 *     took no byte of a waiting response for {@code httpSendTimeout}), {@code close()},
 *     shutdown, the client left while a handler's response was pending, or a handler failed after its
 *     streamed response started.</li>
 * <li>{@code OPEN -> CLOSE_SENT}: we queued our close frame (after queued data) and wait,
 *     bounded, for the peer's.</li>
 * <li>{@code OPEN -> CLOSE_FLUSH}: the peer's close arrived and our reply is queued, or the
 *     peer broke the protocol and our close is queued; the socket closes once they are
 *     flushed (bounded).</li>
 * <li>{@code OPEN -> CLOSED}: end of stream or I/O error without a close frame (1006), or
 *     the loop stopping.</li>
 * <li>{@code CLOSE_SENT -> CLOSE_FLUSH}: the peer's close arrived.</li>
 * <li>{@code CLOSE_SENT -> CLOSE_FLUSH}: the peer broke the protocol after our close was
 *     queued; nothing more is sent, what is queued still drains.</li>
 * <li>{@code CLOSE_FLUSH -> LINGER}: our last frame was flushed while the peer may still
 *     be sending.</li>
 * <li>{@code CLOSE_SENT -> CLOSED}, {@code CLOSE_FLUSH -> CLOSED}: timeout, end of stream
 *     once our output is flushed, I/O error, or shutdown.</li>
 * <li>{@code LINGER -> CLOSED}: end of stream, the linger timeout, the discard budget, an
 *     I/O error, or shutdown.</li>
 * </ul>
 *
 * <p>Why {@link #LINGER}: closing a socket whose receive buffer still holds unread bytes
 * makes the kernel answer with a TCP RST instead of a FIN, and the peer's stack may then
 * drop our last bytes (the close frame, the error response) before its application reads
 * them. So once they are flushed we half-close (FIN) and read and discard input until the
 * peer closes too, within a bounded time and byte budget.
 *
 * <p>Thread-safe: constants only (each connection's current state is service-thread
 * confined).
 */
public enum ConnectionState {
    /** Reading an HTTP request head (the handshake timeout runs). */
    HTTP,
    /**
     * A websocket upgrade request passed lws4j's checks and waits for
     * {@code Protocol.onHandshake}'s decision (at once, or later from another thread, bounded
     * by the handshake timeout). Input that arrives meanwhile is held, bounded.
     */
    HANDSHAKE,
    /**
     * Writing an HTTP response (static file, error, or a handler's); reading is paused,
     * except while a handler's response is pending or streaming: then input is held,
     * bounded, so that a client leaving is noticed.
     */
    HTTP_RESPONSE,
    /** A websocket connection, both directions open. */
    OPEN,
    /** Our close frame is queued or sent; waiting for the peer's. */
    CLOSE_SENT,
    /** The final close frame is queued; the socket closes when output is flushed. */
    CLOSE_FLUSH,
    /**
     * Our output is flushed and shut down (FIN sent); input is read and discarded until end
     * of stream, bounded in time and bytes. The connection is closed from the application's
     * view: close hooks and {@code onClosed} ran when lingering started.
     */
    LINGER,
    /** The socket is closed. Absorbing. */
    CLOSED;

    /**
     * @param next the state to move to
     * @return true when {@code this -> next} is one of the documented transitions
     */
    public boolean canMoveTo(ConnectionState next) {
        return switch (this) {
            case HTTP -> next == HTTP_RESPONSE || next == HANDSHAKE || next == OPEN
                    || next == CLOSED;
            case HANDSHAKE -> next == OPEN || next == HTTP_RESPONSE || next == CLOSED;
            case HTTP_RESPONSE -> next == HTTP || next == LINGER || next == CLOSED;
            case OPEN -> next == CLOSE_SENT || next == CLOSE_FLUSH || next == CLOSED;
            case CLOSE_SENT -> next == CLOSE_FLUSH || next == CLOSED;
            case CLOSE_FLUSH -> next == LINGER || next == CLOSED;
            case LINGER -> next == CLOSED;
            case CLOSED -> false;
        };
    }
}
