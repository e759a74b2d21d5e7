package io.lws4j;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * One websocket connection (libwebsockets' {@code wsi}).
 *
 * <p>Writes go into a bounded per-connection outbound buffer that the service loop flushes
 * as the socket accepts data; when it cannot take a message, the write methods return
 * {@code false} and write nothing, and the protocol should wait for
 * {@link Protocol#onWritable} (ask for it with {@link #callbackOnWritable()}).
 *
 * <p>Instances are created by lws4j; applications do not implement this interface.
 *
 * <p>Service-thread confined: all methods must be called on the owning service thread (see
 * {@link #inServiceThread()}), except those documented as thread-safe.
 */
public interface Connection {

    /**
     * Queues a text message (lws_write with LWS_WRITE_TEXT).
     *
     * @param text the message
     * @return false, writing nothing, when the outbound buffer cannot take it or the
     *     connection is closing
     * @throws IllegalStateException when called off the service thread
     */
    boolean writeText(String text);

    /**
     * Queues a binary message (lws_write with LWS_WRITE_BINARY). The remaining bytes of
     * {@code data} are copied; the buffer's position is not changed.
     *
     * @param data the message
     * @return false, writing nothing, when the outbound buffer cannot take it or the
     *     connection is closing
     * @throws IllegalStateException when called off the service thread
     */
    boolean writeBinary(ByteBuffer data);

    /**
     * Asks for one {@link Protocol#onWritable} call as soon as the socket can take data
     * (lws_callback_on_writable). Several requests before the call coalesce into one.
     *
     * @throws IllegalStateException when called off the service thread
     */
    void callbackOnWritable();

    /**
     * Arms (or re-arms) the connection's timeout (lws_set_timeout): when it expires, the
     * connection is closed with {@link CloseCodes#POLICY_VIOLATION} and reason "timeout".
     *
     * @param timeout the time from now; {@link Duration#ZERO} cancels the timeout
     * @throws IllegalStateException when called off the service thread
     */
    void setTimeout(Duration timeout);

    /**
     * Starts the close handshake with a code and reason (lws_close_reason, then returning
     * -1 from the callback). Already queued messages are sent first. Idempotent.
     *
     * @param code a close code valid on the wire
     * @param reason the reason; at most 123 bytes of UTF-8 are sent
     * @throws IllegalStateException when called off the service thread
     */
    void close(int code, String reason);

    /**
     * Thread-safe.
     *
     * @return the context this connection belongs to
     */
    Context context();

    /**
     * The peer's address (lws_get_peer_simple): the TCP peer, or, on a listener built with
     * {@link Context.Builder#proxyProtocol(boolean)}, the source address its PROXY header
     * named (as Jetty's PROXY protocol support reports it); the load balancer itself is
     * then {@link Request#socketPeerAddress()}. Behind a reverse proxy that sends
     * forwarding headers, the client is {@link Request#clientAddress()}. Thread-safe.
     *
     * @return the peer's address; null when the socket could not tell it
     */
    InetSocketAddress remoteAddress();

    /**
     * The opening request this connection was upgraded from: its path, query, headers,
     * cookies and addresses (lws {@code lws_hdr_copy} and friends). Thread-safe: the request
     * is immutable and stays readable for the connection's life, closed or not.
     *
     * @return the request; for a client connection opened by {@code WebSocketClient}, null
     */
    Request request();

    /**
     * Thread-safe.
     *
     * @return the name of the protocol serving this connection
     */
    String protocolName();

    /**
     * Per-session user data, null until set.
     *
     * @param <T> the type the caller expects
     * @return the user data
     */
    <T> T userData();

    /**
     * Sets the per-session user data.
     *
     * @param data the user data, or null
     */
    void userData(Object data);

    /**
     * Thread-safe.
     *
     * @return true until the connection has closed (close handshake done or transport gone)
     */
    boolean isOpen();

    /**
     * Thread-safe.
     *
     * @return true when the caller holds the service role of the loop that owns this
     *     connection: it is that loop's thread, or a threadpool worker the idle loop lent its
     *     role to (see {@link Context.Builder#lendIdleLoops(boolean)})
     */
    boolean inServiceThread();

    /**
     * Runs {@code command} on the owning service thread, for code on other threads.
     * Thread-safe.
     *
     * <p>Memory consistency effects: actions in a thread before {@code execute} happen-before
     * the command runs.
     *
     * @param command what to run
     * @return false when the service loop has stopped and the command will not run
     */
    boolean execute(Runnable command);
}
