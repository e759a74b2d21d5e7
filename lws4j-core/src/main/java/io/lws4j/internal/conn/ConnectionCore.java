package io.lws4j.internal.conn;

import io.lws4j.Protocol;
import io.lws4j.internal.deflate.PerMessageDeflate;
import io.lws4j.internal.frame.FrameReader;
import io.lws4j.internal.http.HttpRequestParser;
import io.lws4j.internal.frame.MessageSink;
import io.lws4j.internal.loop.Selectable;
import io.lws4j.internal.loop.ServiceLoop;
import io.lws4j.internal.loop.Timer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The state every layer of a connection shares, and the overview of how they work together.
 * A connection is one object, {@link ConnectionImpl}, built in layers, each in its own file
 * and with one job: {@link OffRoleWrites} (writes without the loop's role),
 * {@link ConnectionOutput} (queueing and flushing, the websocket's write side),
 * {@link ConnectionClosing} (the close handshake, lingering close and timers),
 * {@link HttpPhase} (HTTP requests and responses before an upgrade), {@link HandlerPhase}
 * (dynamic HTTP handlers: routing, bounded bodies, responses from any thread),
 * {@link UpgradePhase}
 * (the websocket upgrade, server and client), {@link InboundControl} (pausing reads, pings
 * sent by hand, the connection's own liveness settings) and {@link ConnectionImpl} (creation, the public
 * API, reading, and the websocket's receive side). The layers share these fields; a method
 * one layer calls in a later one is declared abstract here.
 *
 * <p>Service-thread confined, as {@link ConnectionImpl} documents.
 */
abstract class ConnectionCore implements ConnectionInternals, Selectable, MessageSink {
    /*
     * State machine: see ConnectionState for every transition; moveTo() enforces them. Only
     * the service thread reads or writes `state`; `open` mirrors "established and not yet
     * CLOSED" for other threads.
     *
     * Close ordering: closeTransport() is the only way to CLOSED. It cancels the timers,
     * closes the socket and any file, and, for an established connection, runs the close
     * hooks and then Protocol.onClosed exactly once (notifyClosed(), guarded by
     * closedNotified). The close code reported is the first close code sent or received;
     * 1006 when neither happened.
     *
     * Close hooks when the close handshake starts: leaving OPEN for CLOSE_SENT or
     * CLOSE_FLUSH queues the close hooks (CloseHooks.runOnce, idempotent) as an after-I/O
     * task, so they run in step 5 of the same cycle, outside the callback that may have
     * called close(). From then on writes fail and onWritable is never called, so a
     * threadpool task waiting in SYNC would only be answered by the end of the handshake
     * (the peer's reply, our flush, or CLOSE_TIMEOUT): the hooks tell the pool the
     * connection is going, which stops syncing tasks at once (their workers are released),
     * gives running ones their STOPPING call, purges queued ones and cleans unreaped ones
     * with a null connection (spec section 7, case 20). notifyClosed() still runs the hooks
     * when the connection drops without a handshake; whichever comes first runs them, once.
     *
     * Lingering close: once our last bytes (the final close frame, or a response that ends
     * the connection) are flushed, startLinger() half-closes (shutdownOutput: FIN) and moves
     * to LINGER, where input is read into the loop's shared buffer and dropped, unparsed,
     * until end of stream, the linger timeout (ContextConfig.lingerTimeout) or
     * LINGER_DISCARD_BUDGET bytes; then the socket
     * closes. A plain close() with unread input would make the kernel send a RST, and the
     * peer's stack may throw away our close frame or response before its reader sees it.
     * The close hooks and onClosed run when lingering starts, not when the socket closes:
     * for the application the connection is over (isOpen() is false, writes fail), and a
     * slow peer must not delay them by seconds. The socket is still counted by the loop
     * (connectionCount) until it closes, and separately as lingering (lingeringCount) so the
     * context's shutdown need not wait a full linger for it. When the peer's end of stream
     * arrives in CLOSE_FLUSH (inputEnded), there is nothing to drain: the socket closes as
     * soon as our output is flushed, without lingering.
     *
     * Transport: all application bytes go through `transport` (PlainTransport, or the
     * TlsTransport of a wss connection). TLS adds three things the selector cannot see,
     * each handled in updateInterest(): encrypted output pending (keep OP_WRITE), decrypted
     * input buffered (post readAgain, since no OP_READ will come for it), and a stall while
     * a handshake task runs off the loop (interest 0 until resumeTransport). Application
     * output waits while the TLS handshake needs the peer's answer; the read that finishes
     * the handshake requests the flush.
     *
     * Client role: `client` non-null. The connection starts in HTTP with the upgrade request
     * queued; the HTTP state reads the server's response (ClientRole.readResponse) instead
     * of a request, then moves to OPEN. Frames we send are masked with the role's keys; the
     * FrameReader rejects masked frames. When the role's response check agreed on
     * permessage-deflate, `deflate` is built with the client's side of the parameters
     * (PerMessageDeflate.create(params, false, ...)) and compressed frames are masked too.
     * Until OPEN, every way to CLOSED reports the failure to the role (transportFailure says
     * why), exactly once, as closeTransport runs once.
     *
     * Output: writes only queue frames and ask for a flush in step 5 of the loop's cycle, so
     * several messages written in one callback go out in one gathering write. OP_WRITE is
     * kept only while output is pending. A pending callbackOnWritable() is answered in the
     * flush once queued data is at or below the low-water mark. What onWritable writes
     * there asks for another flush, which the loop runs in the second pass of the same
     * step 5 (ServiceLoop), so a message per onWritable costs one cycle, not two.
     * The threadpool's SYNC notification (a loop command) asks through
     * callbackOnWritableFromCommand(), which calls onWritable right there when queued data
     * is at or below the low-water mark: the worker is released in step 1, and when its next
     * SYNC lands while the loop is still draining commands it is answered there too, so the
     * frames of all the SYNCs answered in that step leave together in step 5 (gathering
     * writes). No per-connection cap: each answer is one command, and the loop runs at most
     * COMMAND_BATCH commands per cycle, which is what bounds step 1 (a per-connection cap
     * would cut a worker's run of answers short and split its frames over more writes).
     * Bounds: data bytes by maxOutboundBytes (writes fail past it); control bytes (pongs) by
     * pausing reads while more than MAX_CONTROL_BYTES are queued, so a peer that pings
     * without reading cannot grow us; HTTP leftovers by the loop's read buffer (reads pause
     * while a response is written); input a client sends before a deferred handshake decision by
     * MAX_HANDSHAKE_PENDING_INPUT (reads pause past it), and so is input arriving while a
     * handler's response is pending or streaming; a handler's request body by the context's
     * maxHttpBodyBytes (413 before reading); a streamed response by one write beyond the
     * low-water mark (HttpExchangeImpl), and in time by the send timeout (a response whose
     * bytes wait while the peer takes none for HttpLimits.sendTimeout closes the
     * connection: noteResponseWrite); close handshakes by CLOSE_TIMEOUT.
     */
    static final System.Logger LOG = System.getLogger(ConnectionImpl.class.getName());
    /** How long we wait for the peer's close frame, or for our last frames to drain. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Reads pause while a deferred handshake decision waits and this many bytes the client
     * sent after its request (it should wait for the 101) are held.
     */
    static final int MAX_HANDSHAKE_PENDING_INPUT = 16 * 1024;
    /** Reads pause while more control bytes than this are queued (about 130 pongs). */
    static final int MAX_CONTROL_BYTES = 16 * 1024;
    /** At most this many reads per readiness event, so one busy peer cannot hog the loop. */
    static final int READS_PER_EVENT = 16;
    /** A lingering close discards at most this many input bytes, then closes anyway. */
    static final long LINGER_DISCARD_BUDGET = 1024 * 1024;

    final ServiceLoop loop;
    final SocketChannel channel;
    /** Service thread only: plain or TLS; set right after construction. */
    Transport transport;
    final Runnable readAgainTask = this::readAgain;
    boolean readAgainQueued;
    /** Non-null on a client connection. */
    final ClientRole client;
    /** Masked with the client's keys on a client connection. */
    final OutgoingFrames frames;
    /** Service thread only: why the transport failed, reported to a client's connect. */
    IOException transportFailure;
    final ConnectionSettings settings;
    /**
     * The peer: the TCP peer, or the source a PROXY protocol header named. Written by the
     * service thread only, once, while the header is read (before any callback or request
     * exists); volatile for {@link io.lws4j.Connection#remoteAddress()} on other threads.
     */
    volatile InetSocketAddress remoteAddress;
    /** The TCP peer, null when the socket could not tell it. */
    final InetSocketAddress socketPeerAddress;
    /**
     * Service thread only: non-null while an accepted connection on a PROXY protocol
     * listener waits for its PROXY header (state HTTP, before TLS and HTTP bytes).
     */
    io.lws4j.internal.proxy.ProxyProtocolDecoder proxyHeader;
    final OutboundQueue outbound;
    final Runnable flushTask = this::runQueuedFlush;
    final AtomicReference<Object> taskSlot = new AtomicReference<>();
    final CloseHooks closeHooks = new CloseHooks();
    /** Sends from any thread and the completion of their stages. */
    final CrossThreadSends sends;
    /**
     * Service thread only: a {@link io.lws4j.MessageStream}'s message is under way, so the
     * service thread's writeText/writeBinary are refused (see CrossThreadSends).
     */
    boolean streaming;

    /** Service thread only. */
    SelectionKey key;
    /** Service thread only. */
    ConnectionState state = ConnectionState.HTTP;
    volatile boolean open;
    volatile String protocolName;
    /** The opening request of an accepted connection, set before the handshake hook runs. */
    volatile io.lws4j.Request request;
    /** Service thread only. */
    Protocol protocol;
    Object userData;
    /** Service thread only: non-null in HTTP and HTTP_RESPONSE. */
    HttpRequestParser parser;
    /** Service thread only: request bytes that arrived while a response was being written. */
    ByteBuffer pendingInput;
    /** Service thread only: the static file being streamed. */
    FileBody file;
    boolean keepAliveAfterResponse;
    /** Service thread only: the decision awaited in HANDSHAKE; null in every other state. */
    PendingHandshake handshake;
    /**
     * Service thread only: the dynamic HTTP exchange whose response is not completely queued
     * and written yet (HTTP_RESPONSE); null in every other state.
     */
    HttpExchangeImpl exchange;
    /** Service thread only: non-null once established. */
    FrameReader frameReader;
    /**
     * Non-null when permessage-deflate was negotiated; released on close. Set once, at
     * establishment, before any write; a compression without the role reads it after its
     * claim (same thread), otherwise service thread only.
     */
    PerMessageDeflate deflate;
    /**
     * Service thread only: whether the handshake reserved an inflater's cost in the context's
     * zlib pool that no {@link #deflate} owns yet; establishment hands it to the inflater,
     * the close gives it back otherwise.
     */
    boolean inflaterReserved;
    boolean flushQueued;
    boolean writableRequested;
    int interestOps = -1;
    int closeCode;
    String closeReason = "";
    Timer handshakeTimer;
    Timer userTimer;
    Timer closeTimer;
    Timer livenessTimer;
    Timer lingerTimer;
    /** Service thread only: the HTTP send timeout's check, while a response may be stalled. */
    Timer sendTimer;
    /** Service thread only: bytes of an HTTP response wait to be written. */
    boolean sendWaiting;
    /** Service thread only: when, while {@link #sendWaiting}, a write last made progress. */
    long sendProgressNanos;
    /** Service thread only: input bytes dropped while lingering. */
    long lingerDiscarded;
    /** Service thread only: the peer's end of stream arrived while our output still drains. */
    boolean inputEnded;
    /** Service thread only: the close hooks and onClosed have run. */
    boolean closedNotified;
    long lastReceiveNanos;
    long lastPingNanos;
    /** Service thread only: bytes and messages for the statistics and the JFR events. */
    final ConnectionTally tally;
    /**
     * Service thread only: the idle timeout and ping interval, the context's unless
     * {@link io.lws4j.Connection#idleTimeout} or {@link io.lws4j.Connection#pingInterval}
     * overrode them.
     */
    Liveness liveness;
    /** Service thread only: our pings not answered yet. */
    final OutstandingPings pings = new OutstandingPings();
    /**
     * Written by any thread (pauseReading, resumeReading), read by the service thread before
     * each read and at each frame or chunk boundary; see {@link #isHoldingInput()}.
     */
    volatile boolean readingPaused;
    /**
     * Service thread only: bytes read before a pause took effect and not parsed yet, parsed
     * first once reading resumes (readAgain). At most one read's worth (the loop's read
     * buffer), since the pause stops further reads.
     */
    ByteBuffer heldInput;

    /** @param client the client side of the handshake, null for an accepted connection */
    ConnectionCore(ServiceLoop loop, SocketChannel channel, ConnectionSettings settings,
            ClientRole client) {
        this.loop = loop;
        this.channel = channel;
        this.settings = settings;
        this.socketPeerAddress = remoteAddressOf(channel);
        this.remoteAddress = socketPeerAddress;
        this.client = client;
        this.frames = client == null ? OutgoingFrames.SERVER : new OutgoingFrames(client);
        this.outbound = new OutboundQueue(loop.frameBuffers(), loop.counters());
        this.tally = new ConnectionTally(loop.counters());
        this.liveness = settings.liveness();
        this.sends = new CrossThreadSends(this);
    }

    /**
     * Service thread only.
     *
     * @return true while the application's pause holds input back: paused and still OPEN
     *     (a closing connection reads on, for its close handshake)
     */
    boolean isHoldingInput() {
        return readingPaused && state == ConnectionState.OPEN;
    }

    /** @return the peer's address, or null when the channel cannot tell it any more */
    static InetSocketAddress remoteAddressOf(SocketChannel channel) {
        try {
            return (InetSocketAddress) channel.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- output

    /** @return true in the states whose output may still be pending */
    boolean hasOutput() {
        return state != ConnectionState.LINGER && state != ConnectionState.CLOSED;
    }

    // ---------------------------------------------------------------- across the layers

    /** ConnectionImpl: decrypted input is buffered in the transport; read it. */
    abstract void readAgain();

    /** ConnectionImpl: feeds received bytes to whatever the state needs. */
    abstract void consume(ByteBuffer buf);

    /** OffRoleWrites: the flush the loop runs after I/O. */
    abstract void runQueuedFlush();

    /** ConnectionOutput: asks for a flush after I/O. */
    abstract void requestFlush();

    /** ConnectionOutput: writes what is queued, with the role. */
    abstract void flush();

    /**
     * ConnectionOutput: queues a frame sent from any thread (OPEN only), masked or
     * compressed as this connection needs.
     *
     * @return the frame's number in the data stream ({@link OutboundQueue#framesQueued})
     */
    abstract long queueEncoded(io.lws4j.internal.frame.EncodedMessage message);

    /** ConnectionOutput: logs a deflater's failure and makes it the write's. */
    abstract IOException compressionFailed(RuntimeException e);

    /**
     * ConnectionClosing: a flush in HTTP_RESPONSE ended; runs the send timeout's clock.
     *
     * @param progressed the flush wrote at least one byte
     * @param drained nothing of the response waits any more
     */
    abstract void noteResponseWrite(boolean progressed, boolean drained);

    /** ConnectionClosing: the only way to CLOSED. */
    abstract void closeTransport();

    /** ConnectionClosing: our last bytes are flushed. */
    abstract void finishOutput();

    /** ConnectionClosing: a protocol callback threw. */
    abstract void callbackFailed(String callback, Throwable t);

    /** HttpPhase: the response has been written completely. */
    abstract void finishResponse();

    /** UpgradePhase: a server's upgrade was accepted. */
    abstract void establish(io.lws4j.internal.http.UpgradeDecision.Accept accept);

    /** HandlerPhase: a complete non-upgrade request arrived; {@code buf} holds what follows. */
    abstract void onPlainRequest(io.lws4j.internal.http.HttpRequest request, ByteBuffer buf);

    /** HandlerPhase: a handler's request body is being read (HTTP). */
    abstract boolean readingBody();

    /** HandlerPhase: bytes of the request body being read. */
    abstract void onBodyBytes(ByteBuffer buf);

    /** UpgradePhase: a complete upgrade request arrived; {@code buf} holds what follows it. */
    abstract void onUpgradeRequest(io.lws4j.internal.http.HttpRequest request, ByteBuffer buf);

    // ---------------------------------------------------------------- helpers

    /**
     * The public view of a request this connection received, with its peer (after any PROXY
     * header) and the effective client the trusted proxies' forwarding headers name.
     *
     * @param httpRequest the parsed request head
     * @return the request
     * @throws io.lws4j.internal.http.HttpException 400 or 431 for a malformed target or
     *     too many parameters or cookies
     */
    io.lws4j.Request requestOf(io.lws4j.internal.http.HttpRequest httpRequest)
            throws io.lws4j.internal.http.HttpException {
        return io.lws4j.internal.http.HandshakeRequests.from(httpRequest, remoteAddress,
                socketPeerAddress, settings.config().tls() != null,
                settings.config().proxies().trusted(), settings.config().httpLimits());
    }

    /** Closes a pending handshake decision, if any: a later completion does nothing. */
    void abandonHandshake() {
        if (handshake != null) {
            handshake.close(PendingHandshake.Outcome.ABANDONED);
            handshake = null;
        }
    }

    /** Closes a pending or streaming HTTP exchange, if any: a later completion does nothing. */
    void abandonExchange() {
        if (exchange != null) {
            exchange.close();
            exchange.release();
            exchange = null;
        }
    }

    /** A client still in its handshake learns that the context, not the server, ended it. */
    void noteContextClosing() {
        if (client != null && frameReader == null && transportFailure == null) {
            transportFailure = new io.lws4j.client.WebSocketConnectException(
                    io.lws4j.client.WebSocketConnectException.Reason.CONTEXT_CLOSED,
                    "the context closed during the handshake", 0, null);
        }
    }

    Duration handshakeTimeout() {
        return client != null ? client.handshakeTimeout() : settings.config().handshakeTimeout();
    }

    void moveTo(ConnectionState next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("illegal transition " + state + " -> " + next);
        }
        if (state == ConnectionState.OPEN && next != ConnectionState.CLOSED) {
            loop.runAfterIo(closeHooks::runOnce); // the close handshake starts: see the overview
        }
        state = next;
    }

    void checkServiceThread() {
        if (!loop.inServiceThread()) {
            throw new IllegalStateException("called off the service thread ("
                    + Thread.currentThread().getName() + "); use Connection.execute");
        }
    }

    static void closeQuietly(java.nio.channels.Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "close failed", e);
        }
    }
}
