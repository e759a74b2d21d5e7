package io.lws4j.internal.conn;

import io.lws4j.CloseCodes;
import io.lws4j.Context;
import io.lws4j.internal.deflate.PerMessageDeflate;
import io.lws4j.internal.frame.FrameWriter;
import io.lws4j.internal.frame.MessageSink;
import io.lws4j.internal.frame.ProtocolException;
import io.lws4j.internal.http.HttpRequestParser;
import io.lws4j.internal.loop.Selectable;
import io.lws4j.internal.loop.ServiceLoop;
import io.lws4j.internal.tls.TlsEngines;
import io.lws4j.internal.tls.TlsTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One accepted TCP connection: its HTTP request handling, the websocket upgrade, frame
 * reading and writing, the close handshake and its timers. The single hidden implementation
 * of {@link io.lws4j.Connection}.
 *
 * <p>Outbound bound: {@link #writeText}/{@link #writeBinary} return false, writing nothing,
 * when the message would take the queued data past {@code maxOutboundBytes}. One message
 * larger than the bound is accepted when no data is queued, so a protocol can always send a
 * message up to {@code maxMessageSize} (for example an echo); the queue then holds that one
 * message until it drains.
 *
 * <p>Service-thread confined: all methods must be called on the owning service thread; see
 * {@link #inServiceThread()}. The exceptions, callable from any thread, are those
 * {@link io.lws4j.Connection} documents as thread-safe and the {@link ConnectionInternals}
 * methods.
 */
public final class ConnectionImpl extends InboundControl
        implements ConnectionInternals, Selectable, MessageSink {

    /** @param client the client side of the handshake, null for an accepted connection */
    private ConnectionImpl(ServiceLoop loop, SocketChannel channel, ConnectionSettings settings,
            ClientRole client) {
        super(loop, channel, settings, client);
    }

    /**
     * Takes over an accepted channel on its loop: registers it and starts reading the HTTP
     * request (with the handshake timeout armed). Must run on {@code loop}'s thread.
     *
     * <p>On a PROXY protocol listener, the PROXY header is read first, from the plain
     * socket, and bounded by the same handshake timeout; a wss connection gets its TLS
     * transport once the header is read ({@link #onProxyHeaderBytes}). A peer outside a
     * non-empty trusted set may not send one: its connection is closed at once.
     *
     * @param loop the owning loop
     * @param channel an accepted, non-blocking channel
     * @param settings the shared settings
     * @return the connection, or null when the channel could not be registered or its peer
     *     may not send a PROXY header (then closed)
     */
    public static ConnectionImpl accept(ServiceLoop loop, SocketChannel channel,
            ConnectionSettings settings) {
        assert loop.inServiceThread();
        ConnectionImpl c = new ConnectionImpl(loop, channel, settings, null);
        io.lws4j.internal.proxy.ProxySettings proxies = settings.config().proxies();
        if (proxies.proxyProtocol()) {
            if (!proxies.mayProxy(c.socketPeerAddress)) {
                LOG.log(System.Logger.Level.DEBUG, () -> "dropping " + c.socketPeerAddress
                        + ": not a trusted proxy, and this listener expects a PROXY header");
                closeQuietly(channel);
                return null;
            }
            c.proxyHeader = new io.lws4j.internal.proxy.ProxyProtocolDecoder();
        }
        c.transport = settings.config().tls() == null || c.proxyHeader != null
                ? new PlainTransport(channel) : c.tlsTransport();
        try {
            c.key = loop.register(channel, SelectionKey.OP_READ, c);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot register an accepted channel", e);
            closeQuietly(channel);
            return null;
        }
        c.interestOps = SelectionKey.OP_READ;
        loop.addConnections(1);
        c.parser = new HttpRequestParser(settings.config().maxHttpHeadBytes(),
                HttpRequestParser.DEFAULT_MAX_HEADERS, !settings.config().httpRoutes().isEmpty());
        c.armHandshakeTimer();
        return c;
    }

    /**
     * Takes over a connected client channel on its loop: sends the upgrade request (after
     * the TLS handshake when {@code tls} is given) and waits, bounded by the role's
     * handshake timeout, for the server's 101. Must run on {@code loop}'s thread. Every
     * outcome reaches the role exactly once.
     *
     * @param loop the owning loop
     * @param channel a connected, non-blocking channel
     * @param key the channel's key with this loop's selector (re-attached to the connection)
     * @param settings the loop's shared settings
     * @param role the client side of the handshake
     * @param tls the client TLS transport factory, null for plain ws
     * @return the connection
     */
    public static ConnectionImpl startClient(ServiceLoop loop, SocketChannel channel,
            SelectionKey key, ConnectionSettings settings, ClientRole role,
            java.util.function.Function<Runnable, Transport> tls) {
        assert loop.inServiceThread();
        ConnectionImpl c = new ConnectionImpl(loop, channel, settings, role);
        c.key = key;
        key.attach(c);
        loop.addConnections(1);
        try {
            c.transport = tls == null ? new PlainTransport(channel) : tls.apply(c::resumeTransport);
        } catch (RuntimeException e) {
            c.transport = new PlainTransport(channel);
            c.transportFailure = new IOException("cannot start TLS: " + e.getMessage(), e);
            c.closeTransport();
            return c;
        }
        c.armHandshakeTimer();
        c.outbound.addData(role.request());
        c.updateInterest();
        c.requestFlush();
        return c;
    }

    @Override
    public void close(int code, String reason) {
        checkServiceThread();
        if (!CloseCodes.isValidOnWire(code)) {
            throw new IllegalArgumentException("close code not valid on the wire: " + code);
        }
        String why = reason == null ? "" : reason;
        switch (state) {
            case HTTP, HANDSHAKE, HTTP_RESPONSE -> closeTransport();
            case OPEN -> startClose(code, why);
            case CLOSE_SENT, CLOSE_FLUSH, LINGER, CLOSED -> {
                // idempotent: a close handshake is already under way or done
            }
        }
    }

    @Override
    public Context context() {
        return settings.context();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public io.lws4j.Request request() {
        return request;
    }

    @Override
    public String protocolName() {
        return protocolName;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T userData() {
        return (T) userData;
    }

    @Override
    public void userData(Object data) {
        this.userData = data;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean inServiceThread() {
        return loop.inServiceThread();
    }

    @Override
    public boolean execute(Runnable command) {
        return loop.execute(command);
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> sendText(String text) {
        java.util.Objects.requireNonNull(text, "text");
        return sends.submit(io.lws4j.internal.frame.EncodedMessage.text(text),
                settings.config().sendOverflow(), null);
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> sendBinary(ByteBuffer data) {
        java.util.Objects.requireNonNull(data, "data");
        return sends.submit(io.lws4j.internal.frame.EncodedMessage.binary(data),
                settings.config().sendOverflow(), null);
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> send(io.lws4j.OutboundMessage message) {
        java.util.Objects.requireNonNull(message, "message");
        return send(message, settings.config().sendOverflow(), null);
    }

    /**
     * Sends a framed message with an overflow policy of the caller's (a broadcast's).
     * Any thread.
     *
     * @param message the message
     * @param overflow what to do when the outbound queue is over its bound
     * @param queued completed on the service thread once the message is queued on this
     *     connection, or exceptionally as the returned stage when it never is
     * @return the send's stage
     */
    public java.util.concurrent.CompletableFuture<Void> send(io.lws4j.OutboundMessage message,
            io.lws4j.SendOverflow overflow, java.util.concurrent.CompletableFuture<Void> queued) {
        return sends.submit((io.lws4j.internal.frame.EncodedMessage) message, overflow, null,
                queued);
    }

    @Override
    public long queuedBytes() {
        return sends.queuedBytes();
    }

    @Override
    public io.lws4j.MessageStream sendStream(boolean text) {
        return new MessageStreamImpl(this, text, settings.config().sendOverflow());
    }

    /**
     * Asks for onWritable from any thread: on the service thread at once, else through the
     * loop; nothing for a connection that is not open. Any thread.
     */
    public void callbackOnWritableFromAnyThread() {
        if (loop.inServiceThread()) {
            callbackOnWritable();
        } else if (open) {
            loop.execute(this::callbackOnWritable);
        }
    }

    @Override
    public boolean executeOrServe(Runnable command) {
        return loop.executeOrServe(command);
    }

    @Override
    public boolean unparkAfterService(Thread thread) {
        return loop.unparkAfterService(thread);
    }

    // ---------------------------------------------------------------- ConnectionInternals

    @Override
    public boolean addCloseHook(Runnable hook) {
        return closeHooks.add(hook);
    }

    @Override
    public void removeCloseHook(Runnable hook) {
        closeHooks.remove(hook);
    }

    @Override
    public Object taskSlot() {
        return taskSlot.get();
    }

    @Override
    public boolean casTaskSlot(Object expected, Object update) {
        return taskSlot.compareAndSet(expected, update);
    }

    // ---------------------------------------------------------------- internal API

    /**
     * @return the current state (for tests and diagnostics)
     */
    public ConnectionState state() {
        assert loop.inServiceThread();
        return state;
    }

    /**
     * @return the owning loop (for tests: its cycle count)
     */
    ServiceLoop loop() {
        return loop;
    }

    /**
     * @return data bytes queued and not yet written (for tests)
     */
    long queuedDataBytes() {
        assert loop.inServiceThread();
        return outbound.dataBytes();
    }

    /**
     * Service thread only.
     *
     * @return the permessage-deflate state, null until a handshake that agreed on
     *     compression completed (for tests and diagnostics)
     */
    public PerMessageDeflate permessageDeflate() {
        assert loop.inServiceThread();
        return deflate;
    }

    /**
     * The context is closing: a websocket gets a close with {@code code}; an HTTP connection
     * is dropped.
     *
     * @param code the close code, normally 1001
     * @param reason the reason
     */
    public void shutdown(int code, String reason) {
        assert loop.inServiceThread();
        noteContextClosing();
        switch (state) {
            case HTTP, HANDSHAKE, HTTP_RESPONSE -> closeTransport();
            case OPEN -> startClose(code, reason);
            case CLOSE_SENT, CLOSE_FLUSH, LINGER, CLOSED -> {
                // already closing; a lingering socket is bounded, and abort() ends it
            }
        }
    }

    /**
     * The context started draining: an open connection's protocol gets
     * {@link io.lws4j.Protocol#onDrain}; a throwing callback closes it with 1011. An HTTP
     * connection waiting for its next request is closed.
     */
    public void drainStarted() {
        assert loop.inServiceThread();
        if (state == ConnectionState.HTTP && parser != null && parser.isIdle()
                && pendingInput == null) {
            closeTransport(); // between requests: no request is cut, the drain need not wait
            return;
        }
        if (state != ConnectionState.OPEN || protocol == null) {
            return;
        }
        try {
            protocol.onDrain(this);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            callbackFailed("onDrain", t);
        }
    }

    @Override
    public void abort() {
        assert loop.inServiceThread();
        noteContextClosing();
        if (state != ConnectionState.CLOSED) {
            closeTransport();
        }
    }

    @Override
    public void onFailure(Throwable failure) {
        LOG.log(System.Logger.Level.WARNING, "connection " + remoteAddress + " failed", failure);
        fail(CloseCodes.INTERNAL_ERROR, "internal error");
    }

    // ---------------------------------------------------------------- I/O

    @Override
    public void onReady(int readyOps) {
        assert loop.inServiceThread();
        if ((readyOps & SelectionKey.OP_READ) != 0) {
            boolean handshaking = transport.isHandshaking();
            onReadable();
            if (handshaking && !transport.isHandshaking() && !outbound.isEmpty()) {
                requestFlush(); // output held back by the TLS handshake may go now
            }
        }
        if ((readyOps & SelectionKey.OP_WRITE) != 0 && hasOutput()) {
            flush();
        }
        updateInterest();
    }

    private Transport tlsTransport() {
        return TlsEngines.serverTransport(settings.config().tls(), channel, loop,
                this::resumeTransport);
    }

    /**
     * State HTTP on a PROXY protocol listener: the header's bytes. Once it is read, its
     * source (if it names one) becomes the peer, and what follows it in {@code buf} is the
     * HTTP request or, on wss, the start of the TLS stream, handed to the new TLS transport.
     * A malformed header closes the connection without a response: the peer is not the
     * proxy we expect, and answering would tell a scanner what listens here.
     */
    private void onProxyHeaderBytes(ByteBuffer buf) {
        assert loop.inServiceThread();
        io.lws4j.internal.proxy.ProxyProtocolResult result = proxyHeader.decode(buf);
        if (result instanceof io.lws4j.internal.proxy.ProxyProtocolResult.Failed failed) {
            LOG.log(System.Logger.Level.DEBUG, () -> "dropping " + socketPeerAddress
                    + ": bad PROXY protocol header: " + failed.reason());
            buf.position(buf.limit());
            proxyHeader = null;
            closeTransport();
            return;
        }
        if (!(result instanceof io.lws4j.internal.proxy.ProxyProtocolResult.Proxied proxied)) {
            return; // NEED_MORE: all of buf was consumed
        }
        proxyHeader = null;
        if (proxied.source() != null) {
            remoteAddress = proxied.source();
        }
        LOG.log(System.Logger.Level.TRACE, () -> "PROXY v" + proxied.version() + " from "
                + socketPeerAddress + ": peer " + remoteAddress);
        if (settings.config().tls() != null) {
            TlsTransport tls = (TlsTransport) tlsTransport();
            transport = tls;
            tls.addEarlierInput(buf); // the ClientHello's start, read from the socket
        }
    }

    /** The transport's off-loop task is done: retry reading and writing. */
    private void resumeTransport() {
        assert loop.inServiceThread();
        if (state == ConnectionState.CLOSED) {
            return;
        }
        updateInterest();
        onReady(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }

    /**
     * Decrypted input is buffered in the transport, which the selector cannot see; or input
     * held by a pause waits to be parsed, first.
     */
    @Override
    void readAgain() {
        readAgainQueued = false;
        if (state == ConnectionState.CLOSED) {
            return;
        }
        if (heldInput != null && !isHoldingInput()) {
            ByteBuffer held = heldInput;
            consume(held);
            if (!held.hasRemaining() && heldInput == held) {
                heldInput = null;
            }
        }
        if (heldInput == null) {
            onReadable();
        }
        updateInterest();
    }

    private void onReadable() {
        ByteBuffer buf = loop.readBuffer();
        for (int i = 0; i < READS_PER_EVENT && isReading() && !isHoldingInput()
                && heldInput == null; i++) {
            buf.clear();
            int n;
            try {
                n = transport.read(buf);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "read failed", e);
                transportFailure = e;
                closeTransport();
                return;
            }
            if (n < 0) {
                onEndOfStream();
                return;
            }
            if (n == 0) {
                return;
            }
            lastReceiveNanos = System.nanoTime();
            tally.read(n);
            buf.flip();
            consume(buf);
            if (n < buf.capacity()) {
                return; // the socket is most likely drained
            }
        }
    }

    private void onEndOfStream() {
        if ((state == ConnectionState.OPEN || state == ConnectionState.CLOSE_SENT)
                && transportFailure == null) {
            transportFailure = new java.io.EOFException(
                    "the peer's stream ended without a close frame");
        }
        if (state == ConnectionState.CLOSE_FLUSH) {
            // the peer is done sending; our last frames still go out (bounded by the close
            // timer), then the socket closes without lingering
            inputEnded = true;
            updateInterest();
            return;
        }
        closeTransport();
    }

    private boolean isReading() {
        return (interestOps & SelectionKey.OP_READ) != 0 && state != ConnectionState.CLOSED;
    }

    /** Feeds received bytes to whatever the state needs. */
    @Override
    void consume(ByteBuffer buf) {
        while (buf.hasRemaining()) {
            switch (state) {
                case HTTP -> {
                    if (client != null) {
                        onClientResponseBytes(buf);
                    } else if (proxyHeader != null) {
                        onProxyHeaderBytes(buf);
                    } else {
                        onHttpBytes(buf);
                    }
                }
                case HANDSHAKE, HTTP_RESPONSE -> {
                    stashPendingInput(buf);
                    return;
                }
                case OPEN, CLOSE_SENT -> {
                    try {
                        frameReader.read(buf);
                    } catch (ProtocolException e) {
                        LOG.log(System.Logger.Level.DEBUG, () -> "protocol error from "
                                + remoteAddress + ": " + e.getMessage());
                        fail(e.closeCode(), e.getMessage());
                        buf.position(buf.limit());
                        return;
                    }
                    if (buf.hasRemaining() && isHoldingInput()) {
                        holdRest(buf); // the reader stopped at a pause
                        return;
                    }
                    if (buf.hasRemaining()) {
                        continue; // the reader stopped at a pause that ended (a close began)
                    }
                    return;
                }
                case LINGER -> {
                    lingerDiscarded += buf.remaining();
                    buf.position(buf.limit());
                    if (lingerDiscarded > LINGER_DISCARD_BUDGET) {
                        LOG.log(System.Logger.Level.DEBUG, () -> "linger budget spent: "
                                + remoteAddress);
                        closeTransport();
                    }
                    return;
                }
                case CLOSE_FLUSH, CLOSED -> {
                    buf.position(buf.limit());
                    return;
                }
            }
        }
    }

    // ---------------------------------------------------------------- MessageSink

    @Override
    public void onText(String text) {
        if (state != ConnectionState.OPEN) {
            return; // we are closing: data after our close frame is dropped
        }
        tally.messageIn();
        try {
            protocol.onText(this, text);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            callbackFailed("onText", t);
        }
    }

    @Override
    public void onBinary(ByteBuffer data) {
        if (state != ConnectionState.OPEN) {
            return;
        }
        tally.messageIn();
        try {
            protocol.onBinary(this, data);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            callbackFailed("onBinary", t);
        }
    }

    @Override
    public void onFragment(boolean text, ByteBuffer data, boolean last) {
        if (state != ConnectionState.OPEN) {
            return;
        }
        try {
            if (text) {
                protocol.onTextFragment(this, data, last);
            } else {
                protocol.onBinaryFragment(this, data, last);
            }
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            callbackFailed(text ? "onTextFragment" : "onBinaryFragment", t);
        }
    }

    @Override
    public boolean paused() {
        return isHoldingInput();
    }

    @Override
    public void onPing(ByteBuffer payload) {
        assert loop.inServiceThread();
        if (state != ConnectionState.OPEN) {
            return;
        }
        outbound.addControl(frames.frame(FrameWriter.OP_PONG, payload.duplicate()));
        if (outbound.controlBytes() > MAX_CONTROL_BYTES) {
            updateInterest(); // pauses reading until the pongs drain
        }
        requestFlush();
        try {
            protocol.onPing(this, payload.asReadOnlyBuffer());
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            callbackFailed("onPing", t);
        }
    }

    @Override
    public void onPong(ByteBuffer payload) {
        // liveness is tracked by lastReceiveNanos; the pong only tells its round trip
        if (state != ConnectionState.OPEN) {
            return;
        }
        java.time.Duration roundTrip = pings.answered(payload, System.nanoTime());
        try {
            protocol.onPong(this, payload.asReadOnlyBuffer(), roundTrip);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            callbackFailed("onPong", t);
        }
    }

    @Override
    public void onClose(int code, String reason) {
        assert loop.inServiceThread();
        switch (state) {
            case OPEN -> {
                closeCode = code;
                closeReason = reason == null ? "" : reason;
                int reply = code == CloseCodes.NO_STATUS ? CloseCodes.NORMAL : code;
                // after the data already queued, so replies to the peer's last messages go out
                outbound.addData(frames.close(reply, ""));
                moveTo(ConnectionState.CLOSE_FLUSH);
                armCloseTimer();
                requestFlush();
            }
            case CLOSE_SENT -> {
                moveTo(ConnectionState.CLOSE_FLUSH);
                requestFlush();
            }
            case HTTP, HANDSHAKE, HTTP_RESPONSE, CLOSE_FLUSH, LINGER, CLOSED -> {
                // the reader ignores input after a close; nothing to answer
            }
        }
    }

    @Override
    public String toString() {
        return "Connection[" + remoteAddress + ", " + protocolName + "]";
    }
}
