package io.lws4j;

import java.nio.ByteBuffer;

/**
 * The callbacks of one websocket subprotocol (libwebsockets' {@code lws_protocols} entry and
 * its callback reasons). One instance is registered per protocol name with
 * {@link Context.Builder#protocol(String, Protocol)}; every method has a no-op default.
 *
 * <p>Threading: {@link #onInit} and {@link #onDestroy} run on the thread that builds or
 * closes the context. Every connection callback runs with the service role of the loop that
 * owns the connection, never with an lws4j lock held, so a callback may call any lws4j
 * method. Callbacks of one loop never run at the same time, and each sees what the previous
 * ones did. The role is the loop's own thread, except that a loop idle in select lends it to a
 * threadpool worker whose task just returned SYNC or ended. While that worker holds the role
 * it runs the loop's queued threadpool work, not only its own task's: for any connection of
 * the loop, the {@link #onWritable} calls and task cleanups of the SYNC and end
 * notifications queued meanwhile, and what their writes lead to once flushed (further
 * {@code onWritable} calls, a close whose last frame went out, so {@link #onClosed}, or a
 * failed write's close). It stops as soon as the loop wakes up and wants its role back (see
 * {@link Context.Builder#lendIdleLoops(boolean)}). No other thread is ever lent the role. A
 * callback must not block: hand blocking work to a {@code io.lws4j.threadpool.ThreadPool}.
 * A callback that throws closes its connection with {@link CloseCodes#INTERNAL_ERROR}; the
 * loop lives on.
 *
 * <p>Thread-safe as far as lws4j is concerned: one instance serves every connection of its
 * protocol, on every service loop of the context, so an implementation that keeps state shared
 * between connections must make that state thread-safe when the context has several service
 * threads; per-connection state belongs in {@link Connection#userData(Object)}.
 */
public interface Protocol {

    /**
     * The context has bound its port and is about to serve (lws PROTOCOL_INIT).
     *
     * @param context the context
     */
    default void onInit(Context context) {
    }

    /**
     * The context is closing; every connection has been closed (lws PROTOCOL_DESTROY).
     *
     * @param context the context
     */
    default void onDestroy(Context context) {
    }

    /**
     * The context has started a graceful drain ({@link Context#drain(java.time.Duration)}):
     * called once for each open connection of this protocol, on its service thread, right
     * after the drain started. New upgrades are refused from then on. A protocol may send a
     * final message (a "server restarting, reconnect elsewhere" notice), close the
     * connection itself, or let it run until the drain's deadline, when lws4j closes it with
     * {@link CloseCodes#GOING_AWAY}. Connections still in their opening handshake when the
     * drain starts are not told. A callback that throws closes its connection with
     * {@link CloseCodes#INTERNAL_ERROR}. Default: nothing.
     *
     * @param connection an open connection of this protocol
     */
    default void onDrain(Connection connection) {
    }

    /**
     * A client asks to open a websocket served by this protocol (lws
     * FILTER_PROTOCOL_CONNECTION): decide with {@code decision}, now or later. Called on the
     * service thread that owns the connection, before the 101, once the request has passed
     * lws4j's own checks (RFC 6455 syntax, {@link Context.Builder#originCheck},
     * {@link Context.Builder#requireSameOrigin}, endpoint paths).
     *
     * <p>Decide at once by calling {@link HandshakeDecision#accept()} or
     * {@link HandshakeDecision#refuse(int, String)} before returning; or return without
     * deciding and complete the decision later from any thread (a threadpool task or an
     * executor looking a token up): meanwhile the loop serves everyone else, and an
     * undecided handshake gets 503 when the handshake timeout runs out. A hook that throws
     * refuses with 500 and is logged. When the client leaves before a deferred decision,
     * nothing more is called and the decision's completion returns false.
     *
     * <p>The default accepts every request, as before this hook existed.
     *
     * @param request the opening request; immutable, also {@link Connection#request()} once
     *     the connection is established
     * @param decision the answer to give, once
     */
    default void onHandshake(Request request, HandshakeDecision decision) {
        decision.accept();
    }

    /**
     * The websocket handshake completed (lws ESTABLISHED).
     *
     * @param connection the new connection
     */
    default void onEstablished(Connection connection) {
    }

    /**
     * A whole text message arrived (lws RECEIVE).
     *
     * @param connection the connection
     * @param text the message, already validated as UTF-8
     */
    default void onText(Connection connection, String text) {
    }

    /**
     * A whole binary message arrived (lws RECEIVE).
     *
     * @param connection the connection
     * @param data the message; the callee owns it
     */
    default void onBinary(Connection connection, ByteBuffer data) {
    }

    /**
     * The connection can take more data, after {@link Connection#callbackOnWritable()} asked
     * for it (lws SERVER_WRITEABLE).
     *
     * @param connection the connection
     */
    default void onWritable(Connection connection) {
    }

    /**
     * The connection has closed (lws CLOSED). Called once for every established connection,
     * as soon as the websocket is closed: the socket itself may still drain the peer's last
     * bytes for a bounded time afterwards (a lingering close), but nothing more is delivered
     * or sent. Tasks bound to the connection have been detached before this call.
     *
     * @param connection the connection, no longer open
     * @param closeCode the close code the peer sent, or the one lws4j closed with;
     *     {@link CloseCodes#ABNORMAL} when the transport dropped without a close frame
     * @param reason the close reason, possibly empty, never null
     */
    default void onClosed(Connection connection, int closeCode, String reason) {
    }

    /**
     * The connection failed: a read or write of its socket failed (the peer reset it, say),
     * TLS failed, the peer's TCP stream ended without a close frame, or compressing or
     * inflating a message failed. This is the one place where a connection's I/O errors reach
     * the application: called once, on the service thread, right before {@link #onClosed},
     * which then reports {@link CloseCodes#ABNORMAL} unless a close frame was sent or received
     * before the failure. Not called for a close handshake that completed, a close code the
     * peer sent (a protocol violation lws4j detected is closed with its close code, which
     * {@code onClosed} reports), nor for a connection that failed before
     * {@link #onEstablished}. What it throws is logged and ignored.
     *
     * @param connection the connection, no longer open
     * @param cause why: an {@link java.io.IOException} (a {@link javax.net.ssl.SSLException}
     *     for TLS, an {@link java.io.EOFException} for a stream that ended without a close
     *     frame) or the runtime exception of a failed compression
     */
    default void onError(Connection connection, Throwable cause) {
    }

    /**
     * A ping arrived. lws4j has already queued the pong that answers it (RFC 6455 5.5.2);
     * this call only lets the protocol see it.
     *
     * @param connection the connection
     * @param payload the ping's payload, at most 125 bytes; valid only during the call
     */
    default void onPing(Connection connection, ByteBuffer payload) {
    }

    /**
     * A pong arrived: an answer to one of our pings ({@link Connection#writePing}, or an
     * automatic ping of the ping interval), or an unsolicited one (a heartbeat the peer sends
     * on its own). A pong answers our ping when its payload equals that ping's; pings still
     * unanswered when a later one is answered are forgotten (the peer may answer only the
     * latest, RFC 6455 5.5.3), and at most the 16 latest pings are remembered.
     *
     * @param connection the connection
     * @param payload the pong's payload, at most 125 bytes; valid only during the call
     * @param roundTrip the time from queueing our matching ping to reading this pong; null
     *     when the pong matches none of our outstanding pings
     */
    default void onPong(Connection connection, ByteBuffer payload, java.time.Duration roundTrip) {
    }

    /**
     * Whether messages of this protocol's connections are received as a stream of fragments
     * ({@link #onTextFragment}, {@link #onBinaryFragment}) instead of whole
     * ({@link #onText}, {@link #onBinary}). Asked once per connection when it is established,
     * on the service thread; return a constant. Default false.
     *
     * <p>When streaming, a message is not assembled in memory, so the context's
     * {@link Context.Builder#maxMessageSize(int) maxMessageSize} does not bound a message but
     * each of its frames (a larger frame is closed with {@link CloseCodes#MESSAGE_TOO_BIG}):
     * a message of any length passes through with heap bounded by one chunk. Text is
     * validated as UTF-8 across chunks; an invalid byte closes the connection with
     * {@link CloseCodes#INVALID_PAYLOAD} (the chunks before it have been delivered). A
     * permessage-deflate message is delivered inflated, in chunks of at most 64 KiB; its
     * frames' compressed size is bounded as for a whole message, the inflated size is not
     * (the heap still holds one chunk at a time).
     *
     * @return true to receive fragments
     */
    default boolean streamingReceive() {
        return false;
    }

    /**
     * A chunk of a text message, when {@link #streamingReceive()} is true. The chunks of a
     * message arrive in order, the last with {@code last} true (possibly empty); a chunk
     * follows the peer's frames only loosely: a frame may come in several chunks. A chunk
     * may end inside a multi-byte UTF-8 sequence (decode with a
     * {@link java.nio.charset.CharsetDecoder} that keeps its state), but the bytes so far are
     * valid UTF-8, and the message is complete UTF-8 once {@code last} is true.
     *
     * @param connection the connection
     * @param utf8 the chunk's bytes; valid only during the call (copy what you keep)
     * @param last true for the message's last chunk
     */
    default void onTextFragment(Connection connection, ByteBuffer utf8, boolean last) {
    }

    /**
     * A chunk of a binary message, when {@link #streamingReceive()} is true; as
     * {@link #onTextFragment}, without the text.
     *
     * @param connection the connection
     * @param data the chunk's bytes; valid only during the call (copy what you keep)
     * @param last true for the message's last chunk
     */
    default void onBinaryFragment(Connection connection, ByteBuffer data, boolean last) {
    }

    /**
     * Whether connections of this protocol may use permessage-deflate (RFC 7692) when the
     * context allows it ({@link Context.Builder#permessageDeflate(boolean)}) and the client
     * offers it. Asked during each opening handshake, on the service thread; return a
     * constant. Default true. Override to return false for traffic that is already
     * compressed (images, archives), where deflate only costs CPU and memory.
     *
     * @return true to accept a permessage-deflate offer for this protocol
     */
    default boolean permessageDeflate() {
        return true;
    }

    /** {@link #compressionThreshold()}'s answer for "the context's threshold". */
    int CONTEXT_COMPRESSION_THRESHOLD = -1;

    /**
     * The compression threshold of this protocol's permessage-deflate connections: outgoing
     * messages shorter than this many bytes are sent uncompressed. Overrides the context's
     * ({@link Context.Builder#compressionThreshold(int)}, where the trade-off is described)
     * for connections the server accepts under this protocol; a client connection takes its
     * threshold from its {@code io.lws4j.client.ClientOptions}. Asked during each opening
     * handshake, on the service thread; return a constant. Default
     * {@link #CONTEXT_COMPRESSION_THRESHOLD}: the context's threshold. Return 0 for a protocol
     * of short, similar messages on slow links, where a shared compression window makes each
     * one shrink to a few bytes; a large value for traffic that does not compress.
     *
     * @return 0 or more bytes; any negative value, such as
     *     {@link #CONTEXT_COMPRESSION_THRESHOLD}, means the context's threshold
     */
    default int compressionThreshold() {
        return CONTEXT_COMPRESSION_THRESHOLD;
    }
}
