package io.lws4j;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * One websocket connection (libwebsockets' {@code wsi}).
 *
 * <p>Writes go into a bounded per-connection outbound buffer that the service loop flushes
 * as the socket accepts data; when it cannot take a message, the write methods return
 * {@code false} and write nothing, and the protocol should wait for
 * {@link Protocol#onWritable} (a refused write asks for it by itself; ask for it with
 * {@link #callbackOnWritable()} too).
 *
 * <p>From any thread, {@link #sendText}, {@link #sendBinary}, {@link #send} and
 * {@link #sendStream} send with a completion stage instead (as the JDK's
 * {@code java.net.http.WebSocket} does): the message is framed on the calling thread and
 * handed to the service thread, which alone writes; each thread's sends keep their order.
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
     *     connection is closing; when it could not take it on an open connection,
     *     {@link Protocol#onWritable} follows once it drained
     * @throws IllegalStateException when called off the service thread
     */
    boolean writeText(String text);

    /**
     * Queues a binary message (lws_write with LWS_WRITE_BINARY). The remaining bytes of
     * {@code data} are copied; the buffer's position is not changed.
     *
     * @param data the message
     * @return false, writing nothing, when the outbound buffer cannot take it or the
     *     connection is closing; when it could not take it on an open connection,
     *     {@link Protocol#onWritable} follows once it drained
     * @throws IllegalStateException when called off the service thread
     */
    boolean writeBinary(ByteBuffer data);

    /**
     * Sends a text message from any thread. Thread-safe.
     *
     * <p>The message is framed on the calling thread and handed to the service thread;
     * messages sent by one thread go out in the order of the calls, and a call on the
     * service thread goes out after what other threads sent before it. The outbound queue
     * is bounded by {@link Context.Builder#maxOutboundBytes(int)} (counting messages on their
     * way to the service thread): a message that would take it past the bound is refused
     * as the context's {@link Context.Builder#sendOverflow(SendOverflow) overflow policy}
     * says, unless nothing is queued (so one message larger than the bound can go).
     *
     * <p>The stage completes on the service thread (dependent actions that are not
     * {@code async} run there, and may call {@link #writeText}), normally when the whole
     * frame was written to the socket (for wss: handed to TLS), or exceptionally with
     * {@link ConnectionClosedException} (the connection was closing or closed before the
     * message was written, including a send after the close), {@link SendQueueFullException}
     * (queue over its bound), or {@link MessageTooBigException} (over
     * {@link Context.Builder#maxMessageSize(int)}). It never throws for these, and never
     * raises an exception on the service thread.
     *
     * @param text the message
     * @return the send's stage
     */
    default CompletionStage<Void> sendText(String text) {
        throw new UnsupportedOperationException("sendText is not supported by " + getClass());
    }

    /**
     * Sends a binary message from any thread, as {@link #sendText} does. The remaining bytes
     * of {@code data} are copied before this returns; its position is not changed.
     * Thread-safe.
     *
     * @param data the message
     * @return the send's stage, completed as {@link #sendText}'s
     */
    default CompletionStage<Void> sendBinary(ByteBuffer data) {
        throw new UnsupportedOperationException("sendBinary is not supported by " + getClass());
    }

    /**
     * Sends a message framed beforehand (for example once for many connections; see
     * {@link Context#broadcast(String, OutboundMessage, SendOverflow)}), as
     * {@link #sendText} does. A server connection without compression queues a view of the
     * message's frame, not a copy. Thread-safe.
     *
     * @param message the message
     * @return the send's stage, completed as {@link #sendText}'s
     */
    default CompletionStage<Void> send(OutboundMessage message) {
        throw new UnsupportedOperationException("send is not supported by " + getClass());
    }

    /**
     * Opens a message to send in fragments, for messages too large to hold at once; see
     * {@link MessageStream} for the backpressure and how other sends wait meanwhile.
     * Thread-safe.
     *
     * @param text true for a text message, false for binary
     * @return the stream; nothing is sent until its first fragment
     */
    default MessageStream sendStream(boolean text) {
        throw new UnsupportedOperationException("sendStream is not supported by " + getClass());
    }

    /**
     * The outbound bytes not yet written to the socket (browsers' {@code bufferedAmount}):
     * frames queued on the connection as of the service thread's last flush, plus messages
     * sent from other threads and not yet queued. Control frames are not counted. A
     * producer on another thread can hold back while this is high, and sends are refused
     * past {@link Context.Builder#maxOutboundBytes(int)}. Thread-safe.
     *
     * @return bytes, 0 or more
     */
    default long queuedBytes() {
        throw new UnsupportedOperationException("queuedBytes is not supported by " + getClass());
    }

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
     * Queues a ping with {@code payload} (lws_write with LWS_WRITE_PING), ahead of queued
     * data messages. Its pong reaches {@link Protocol#onPong} with the round-trip time.
     * The remaining bytes of {@code payload} are copied; its position is not changed.
     *
     * @param payload at most 125 bytes
     * @return false, sending nothing, when the connection is closing or closed
     * @throws IllegalArgumentException when the payload is longer than 125 bytes
     * @throws IllegalStateException when called off the service thread
     */
    default boolean writePing(ByteBuffer payload) {
        throw new UnsupportedOperationException("writePing");
    }

    /**
     * {@link #writePing} from any thread. Thread-safe.
     *
     * <p>Memory consistency effects: actions in a thread before {@code sendPing}
     * happen-before the ping is queued, which happens-before the stage completes.
     *
     * @param payload at most 125 bytes; copied before this method returns
     * @return a stage completed once the ping is queued, on the service thread (so dependent
     *     actions without an executor run there and must not block), or completed
     *     exceptionally with {@link java.io.IOException} when the connection is closing or
     *     closed or its loop has stopped
     * @throws IllegalArgumentException when the payload is longer than 125 bytes
     */
    default java.util.concurrent.CompletionStage<Void> sendPing(ByteBuffer payload) {
        throw new UnsupportedOperationException("sendPing");
    }

    /**
     * Overrides the context's {@link Context.Builder#idleTimeout(Duration) idle timeout} for
     * this connection: when nothing is received from the peer for this long, the connection
     * is closed with {@link CloseCodes#GOING_AWAY} and reason "idle timeout". What resets the
     * idle timer: every read of bytes from the peer's socket, whatever they are (a data or
     * control frame, even part of one, including the pong that answers our ping). Nothing
     * else does: not our writes or pings, nor a message being delivered, nor
     * {@link #resumeReading()}. While reading is paused nothing is read, so the idle timer
     * runs on and closes a connection paused for longer than the timeout.
     *
     * @param timeout the idle timeout, {@link Duration#ZERO} for none; counted from the last
     *     receive, so a connection already idle for longer closes at once
     * @throws IllegalArgumentException when negative
     * @throws IllegalStateException when called off the service thread
     */
    default void idleTimeout(Duration timeout) {
        throw new UnsupportedOperationException("idleTimeout");
    }

    /**
     * Overrides the context's {@link Context.Builder#pingInterval(Duration) ping interval}
     * for this connection: when nothing has been received and no ping sent for this long, an
     * empty ping is sent (its pong reaches {@link Protocol#onPong} with the round-trip time).
     *
     * @param interval the interval, {@link Duration#ZERO} for no automatic pings
     * @throws IllegalArgumentException when negative
     * @throws IllegalStateException when called off the service thread
     */
    default void pingInterval(Duration interval) {
        throw new UnsupportedOperationException("pingInterval");
    }

    /**
     * Stops reading from this connection's socket (inbound flow control, as Jetty's demand or
     * Netty's {@code autoRead}) until {@link #resumeReading()}: no further message, fragment
     * or control frame is delivered, the loop stops watching the socket for input, and once
     * the kernel's buffers are full TCP flow control holds back the peer. Idempotent; writes
     * go on as before. Thread-safe.
     *
     * <p>On the service thread (in a callback, say) it takes effect at once: the callback
     * running is the last one until the resume, even when more frames were already read
     * (they are kept, at most one read's worth, and delivered after the resume); only a
     * streamed permessage-deflate message may still deliver the rest of what the compressed
     * input being inflated yields (at most 8 KiB of compressed bytes). From another thread it takes effect at the next
     * frame or chunk boundary the loop reaches after the call; a callback already under way
     * finishes.
     *
     * <p>Timeouts still apply while paused: {@link #idleTimeout(Duration) the idle timeout}
     * (nothing is read, so the idle timer runs out), {@link #setTimeout(Duration)} and the
     * close handshake's timeout. (The handshake timeout is over by then: the application sees
     * a connection only once it is established.) With none of them set, a connection paused
     * forever stays open, as an idle one does. A close frame the peer sends meanwhile is not seen until
     * the resume (it waits in the socket): the peer is answered then, or, when a timeout
     * closes the connection first, reading resumes by itself for our close handshake, which
     * then finds the peer's close. Once the connection is closing (after
     * {@link #close(int, String)}, a timeout or a failure), the pause no longer applies.
     *
     * <p>Memory consistency effects: actions in a thread before {@code pauseReading}
     * happen-before every callback the pause holds back.
     */
    default void pauseReading() {
        throw new UnsupportedOperationException("pauseReading");
    }

    /**
     * Resumes reading after {@link #pauseReading()}: frames read before the pause but not
     * yet delivered come first, then the socket is read again. Idempotent. Thread-safe.
     *
     * <p>Memory consistency effects: actions in a thread before {@code resumeReading}
     * happen-before every callback delivered after it.
     */
    default void resumeReading() {
        throw new UnsupportedOperationException("resumeReading");
    }

    /**
     * Thread-safe.
     *
     * @return true between {@link #pauseReading()} and {@link #resumeReading()}
     */
    default boolean isReadingPaused() {
        throw new UnsupportedOperationException("isReadingPaused");
    }

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
