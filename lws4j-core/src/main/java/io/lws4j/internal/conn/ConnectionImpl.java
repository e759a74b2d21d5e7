package io.lws4j.internal.conn;

import io.lws4j.CloseCodes;
import io.lws4j.Context;
import io.lws4j.Protocol;
import io.lws4j.internal.deflate.MessageDeflater;
import io.lws4j.internal.deflate.PerMessageDeflate;
import io.lws4j.internal.frame.FrameReader;
import io.lws4j.internal.frame.FrameWriter;
import io.lws4j.internal.frame.MessageSink;
import io.lws4j.internal.frame.ProtocolException;
import io.lws4j.internal.http.HttpException;
import io.lws4j.internal.http.HttpRequest;
import io.lws4j.internal.http.HttpRequestParser;
import io.lws4j.internal.http.HttpResponse;
import io.lws4j.internal.http.StaticFiles;
import io.lws4j.internal.http.UpgradeDecision;
import io.lws4j.internal.http.UpgradeHandshake;
import io.lws4j.internal.loop.Selectable;
import io.lws4j.internal.loop.ServiceLoop;
import io.lws4j.internal.loop.Timer;
import io.lws4j.internal.tls.TlsEngines;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

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
public final class ConnectionImpl implements ConnectionInternals, Selectable, MessageSink {
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
     * until end of stream, LINGER_TIMEOUT or LINGER_DISCARD_BUDGET bytes; then the socket
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
     * COMMAND_BATCH commands per cycle, which is what bounds step 1 (a per-connection cap of
     * 4 cut every worker's run of answers short and cost a writev per message or two:
     * 0.44 writev and 21 us of server CPU per message against 0.08 and 15 without it).
     *
     * Writes without the role: a flush run by a borrower of the loop's role (a pool worker
     * answering its SYNC) on an OPEN connection whose transport allows it (plain always, TLS
     * once its handshake is done and nothing of its own is pending) does not write at once.
     * It gathers the queued frames into offRoleBatch, marks them writeInFlight, reserves the
     * transport (beginWriteWithoutRole), and the borrower writes them (TLS: encrypts and
     * writes) after it has given the role back (ServiceLoop.writeAfterGivingBack), so
     * workers of different connections write to their sockets at the same time. The completion runs
     * with the role again, as a served command: it settles the batch in the queue, then
     * flushes what was added meanwhile. While a write is in flight, nothing else writes to
     * the socket: flush() returns at once, OP_WRITE is not asked for, and adds only append
     * (they never move a gathered frame), so no frame is split and the wire order holds.
     *
     * Compression without the role (permessage-deflate): writeText/writeBinary do not
     * compress; they queue the message (the payload's own copy, its largest frame reserved
     * against maxOutboundBytes) as a PendingMessage at the tail of the data stream. Whoever
     * writes compresses, in queue order: flush(), with the role and no write in flight,
     * compresses every pending message first; a borrower's claim (runQueuedFlush) also takes
     * the pending messages into offRoleBatch (only when it gathered every data frame, so
     * none is overtaken) and lends it the deflater, and writeWithoutRole compresses them
     * after the role is given back, then writes old and new frames with one gathering
     * write. So the workers of one loop compress at the same time, and the window still
     * sees the messages in wire order: the deflater is used only by the writer, and writers
     * follow each other (the completion happens-before the next claim or flush through the
     * role's hand-over; the claim happens-before its write on the same thread; the write
     * happens-before its completion through the served queue). The completion puts what
     * the write left of the new frames back ahead of everything queued meanwhile
     * (OutboundQueue.settle) and turns their reservations into real lengths. A client's
     * masking key is drawn when the message is queued, with the role. A close releases the
     * deflater through PerMessageDeflate's loan: a lent deflater is freed by its borrower
     * when the compression ends, never under it, so it is freed once even when the
     * completion never runs (a stopped loop). A compression failure closes the connection
     * like a failed write; pending messages of a closed connection are dropped.
     *
     * Writes handed to a SYNC's worker: when the holder that answers a pool worker's SYNC is
     * not that worker (the loop's thread, or another worker that borrowed the role), the
     * pool asks claimWriteForSyncingWorker() before it releases the worker. On a plain
     * deflate connection with at least MIN_HANDED_BYTES queued and no write in flight, it
     * claims the batch as runQueuedFlush would, and the released worker runs
     * writeWithoutRole and posts the completion (runHandedWrite), so it compresses its own
     * message before it produces the next. Otherwise the worker, released while the holder
     * compressed for it, ran ahead to the low-water mark, and the backlog was compressed by
     * one thread while the worker waited: a core stood idle 13-15 % of the time (vmstat), and
     * Jetty, whose senders compress their own messages, led by 16 %. TLS keeps the holder's
     * batches: a write per message seals a record per message (0.86x when it did not).
     *
     * Bounds: data bytes by maxOutboundBytes (writes fail past it); control bytes (pongs) by
     * pausing reads while more than MAX_CONTROL_BYTES are queued, so a peer that pings
     * without reading cannot grow us; HTTP leftovers by the loop's read buffer (reads pause
     * while a response is written); close handshakes by CLOSE_TIMEOUT.
     */
    private static final System.Logger LOG = System.getLogger(ConnectionImpl.class.getName());
    /**
     * Binary payloads from this size up are framed in the loop's direct buffers (see
     * FrameBuffers); smaller ones would hold an 8 KiB buffer to save a copy too small to
     * measure.
     */
    private static final int MIN_DIRECT_PAYLOAD = 512;
    /**
     * A SYNC's answer hands its worker the write only from this many queued bytes (counting
     * uncompressed messages at their reservation): below it, a write per message costs more
     * than the compression it moves. Sync-stream over ws+deflate, T=3, alternated medians of
     * 3: 32 B at N=64 lost 22 % when every answer handed its write over, and gained 10 %
     * with this floor; 4 KiB at N=8 gained 8-18 %.
     */
    private static final int MIN_HANDED_BYTES = 1024;
    /** How long we wait for the peer's close frame, or for our last frames to drain. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** Reads pause while more control bytes than this are queued (about 130 pongs). */
    static final int MAX_CONTROL_BYTES = 16 * 1024;
    /** At most this many reads per readiness event, so one busy peer cannot hog the loop. */
    static final int READS_PER_EVENT = 16;
    /** The longest a lingering close waits for the peer's end of stream before closing. */
    static final Duration LINGER_TIMEOUT = Duration.ofSeconds(2);
    /** A lingering close discards at most this many input bytes, then closes anyway. */
    static final long LINGER_DISCARD_BUDGET = 1024 * 1024;

    private final ServiceLoop loop;
    private final SocketChannel channel;
    /** Service thread only: plain or TLS; set right after construction. */
    private Transport transport;
    private final Runnable readAgainTask = this::readAgain;
    private boolean readAgainQueued;
    /** Non-null on a client connection. */
    private final ClientRole client;
    /** Masked with the client's keys on a client connection. */
    private final OutgoingFrames frames;
    /** Service thread only: why the transport failed, reported to a client's connect. */
    private IOException transportFailure;
    private final ConnectionSettings settings;
    private final InetSocketAddress remoteAddress;
    private final OutboundQueue outbound;
    /**
     * Service role only: the frames a borrower writes without the role, from the claim in
     * runQueuedFlush until completeWriteWithoutRole; null when no such write is under way.
     */
    private OutboundBatch writeInFlight;
    /**
     * Reused for every write without the role, made with its two tasks on the first one, so
     * that connections which never meet a borrower (idle ones, echo) do not carry them.
     */
    private OutboundBatch offRoleBatch;
    private Runnable writeWithoutRoleTask;
    private Runnable completeWriteTask;
    /** Runs writeWithoutRole, then posts completeWriteTask: a SYNC's worker runs it. */
    private Runnable handedWriteTask;
    /** Written by the write without the role, read by its completion (served-queue hand-off). */
    private long offRoleWritten;
    private IOException offRoleFailure;
    /** Service role only: messages taken to be compressed without the role (for tests). */
    private long messagesTakenWithoutRole;
    private final Runnable flushTask = this::runQueuedFlush;
    private final AtomicReference<Object> taskSlot = new AtomicReference<>();
    private final CloseHooks closeHooks = new CloseHooks();

    /** Service thread only. */
    private SelectionKey key;
    /** Service thread only. */
    private ConnectionState state = ConnectionState.HTTP;
    private volatile boolean open;
    private volatile String protocolName;
    /** Service thread only. */
    private Protocol protocol;
    private Object userData;
    /** Service thread only: non-null in HTTP and HTTP_RESPONSE. */
    private HttpRequestParser parser;
    /** Service thread only: request bytes that arrived while a response was being written. */
    private ByteBuffer pendingInput;
    /** Service thread only: the static file being streamed. */
    private FileBody file;
    private boolean keepAliveAfterResponse;
    /** Service thread only: non-null once established. */
    private FrameReader frameReader;
    /**
     * Non-null when permessage-deflate was negotiated; released on close. Set once, at
     * establishment, before any write; a compression without the role reads it after its
     * claim (same thread), otherwise service thread only.
     */
    private PerMessageDeflate deflate;
    private boolean flushQueued;
    private boolean writableRequested;
    private int interestOps = -1;
    private int closeCode;
    private String closeReason = "";
    private Timer handshakeTimer;
    private Timer userTimer;
    private Timer closeTimer;
    private Timer livenessTimer;
    private Timer lingerTimer;
    /** Service thread only: input bytes dropped while lingering. */
    private long lingerDiscarded;
    /** Service thread only: the peer's end of stream arrived while our output still drains. */
    private boolean inputEnded;
    /** Service thread only: the close hooks and onClosed have run. */
    private boolean closedNotified;
    private long lastReceiveNanos;
    private long lastPingNanos;

    /** @param client the client side of the handshake, null for an accepted connection */
    private ConnectionImpl(ServiceLoop loop, SocketChannel channel, ConnectionSettings settings,
            ClientRole client) {
        this.loop = loop;
        this.channel = channel;
        this.settings = settings;
        this.remoteAddress = remoteAddressOf(channel);
        this.client = client;
        this.frames = client == null ? OutgoingFrames.SERVER : new OutgoingFrames(client);
        this.outbound = new OutboundQueue(loop.frameBuffers());
    }

    /** @return the peer's address, or null when the channel cannot tell it any more */
    private static InetSocketAddress remoteAddressOf(SocketChannel channel) {
        try {
            return (InetSocketAddress) channel.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Takes over an accepted channel on its loop: registers it and starts reading the HTTP
     * request (with the handshake timeout armed). Must run on {@code loop}'s thread.
     *
     * @param loop the owning loop
     * @param channel an accepted, non-blocking channel
     * @param settings the shared settings
     * @return the connection, or null when the channel could not be registered (then closed)
     */
    public static ConnectionImpl accept(ServiceLoop loop, SocketChannel channel,
            ConnectionSettings settings) {
        assert loop.inServiceThread();
        ConnectionImpl c = new ConnectionImpl(loop, channel, settings, null);
        c.transport = settings.config().tls() == null ? new PlainTransport(channel)
                : TlsEngines.serverTransport(settings.config().tls(), channel, loop,
                        c::resumeTransport);
        try {
            c.key = loop.register(channel, SelectionKey.OP_READ, c);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot register an accepted channel", e);
            closeQuietly(channel);
            return null;
        }
        c.interestOps = SelectionKey.OP_READ;
        loop.addConnections(1);
        c.parser = new HttpRequestParser(settings.config().maxHttpHeadBytes());
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

    // ---------------------------------------------------------------- public Connection API

    @Override
    public boolean writeText(String text) {
        Objects.requireNonNull(text, "text");
        checkServiceThread();
        if (state != ConnectionState.OPEN) {
            return false;
        }
        // UTF-8 takes at most 3 bytes per char: reject before encoding when surely too big
        if (!fitsData((long) text.length())) {
            return false;
        }
        if (deflate != null) {
            // a fresh array: it is the pending message's own copy
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            if (!fitsData(MessageDeflater.maxFrameLength(utf8.length))) {
                return false;
            }
            return offerDeflated(FrameWriter.OP_TEXT, ByteBuffer.wrap(utf8));
        }
        return offerData(frames.text(text));
    }

    @Override
    public boolean writeBinary(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        checkServiceThread();
        if (state != ConnectionState.OPEN || !fitsData(data.remaining())) {
            return false;
        }
        if (deflate != null) {
            if (!fitsData(MessageDeflater.maxFrameLength(data.remaining()))) {
                return false; // before copying
            }
            // the caller may reuse its buffer once we return, and we compress later
            return offerDeflated(FrameWriter.OP_BINARY, deflate.deflater().copyPayload(data));
        }
        if (frames == OutgoingFrames.SERVER && data.remaining() >= MIN_DIRECT_PAYLOAD) {
            int length = data.remaining();
            ByteBuffer frame = loop.frameBuffers().take(FrameWriter.headerLength(length, false) + length);
            if (frame != null) {
                FrameWriter.writeHeader(frame, true, FrameWriter.OP_BINARY, length, false, 0);
                if (offerData(frame.put(data.duplicate()).flip())) {
                    return true;
                }
                loop.frameBuffers().give(frame);
                return false;
            }
        }
        return offerData(frames.frame(FrameWriter.OP_BINARY, data));
    }

    /**
     * Queues a message to compress when it is written (see "Compression without the role"),
     * reserving its largest frame. The caller has checked that reservation against the
     * bound (with context takeover a compressed message must go out), before copying.
     *
     * @param payload the message's own copy, handed over
     * @return true
     */
    private boolean offerDeflated(int opcode, ByteBuffer payload) {
        outbound.addMessage(frames.toCompress(opcode, payload));
        requestFlush();
        return true;
    }

    private boolean fitsData(long payloadBytes) {
        long queued = outbound.dataBytes();
        return queued == 0 || queued + payloadBytes <= settings.config().maxOutboundBytes();
    }

    private boolean offerData(ByteBuffer frame) {
        long queued = outbound.dataBytes();
        if (queued != 0 && queued + frame.remaining() > settings.config().maxOutboundBytes()) {
            return false;
        }
        outbound.addData(frame);
        requestFlush();
        return true;
    }

    @Override
    public void callbackOnWritable() {
        checkServiceThread();
        if (state != ConnectionState.OPEN || writableRequested) {
            return;
        }
        writableRequested = true;
        requestFlush();
    }

    @Override
    public void callbackOnWritableFromCommand() {
        checkServiceThread();
        if (state != ConnectionState.OPEN || writableRequested) {
            return; // closing, or a pending onWritable already covers this request
        }
        if (outbound.dataBytes() > lowWaterMark()) {
            // Too much queued: answer in the flush, after the queued data, as
            // callbackOnWritable() does.
            callbackOnWritable();
            return;
        }
        // A command runs at the top of the cycle, outside every callback, so calling the
        // protocol here is not re-entrant. It saves the after-I/O detour and releases a pool
        // worker waiting in SYNC a whole step earlier; when that worker's next SYNC lands
        // while the loop is still draining commands, it is answered here too, and the frames
        // of all these SYNCs leave together in step 5 (one gathering write). Small data still
        // queued does not hold the answer back: onWritable only promises room below the
        // low-water mark, as in the flush path.
        deliverOnWritable();
    }

    @Override
    public void setTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        checkServiceThread();
        if (userTimer != null) {
            userTimer.cancel();
            userTimer = null;
        }
        if (timeout.isZero() || timeout.isNegative() || state == ConnectionState.LINGER
                || state == ConnectionState.CLOSED) {
            return;
        }
        userTimer = loop.schedule(timeout, this::onUserTimeout);
    }

    @Override
    public void close(int code, String reason) {
        checkServiceThread();
        if (!CloseCodes.isValidOnWire(code)) {
            throw new IllegalArgumentException("close code not valid on the wire: " + code);
        }
        String why = reason == null ? "" : reason;
        switch (state) {
            case HTTP, HTTP_RESPONSE -> closeTransport();
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
     * @return how many messages a borrower took to compress after giving the role back
     *     (for tests: they show that compression without the role happened)
     */
    long messagesTakenWithoutRole() {
        assert loop.inServiceThread();
        return messagesTakenWithoutRole;
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
            case HTTP, HTTP_RESPONSE -> closeTransport();
            case OPEN -> startClose(code, reason);
            case CLOSE_SENT, CLOSE_FLUSH, LINGER, CLOSED -> {
                // already closing; a lingering socket is bounded, and abort() ends it
            }
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

    /** The transport's off-loop task is done: retry reading and writing. */
    private void resumeTransport() {
        assert loop.inServiceThread();
        if (state == ConnectionState.CLOSED) {
            return;
        }
        updateInterest();
        onReady(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }

    /** Decrypted input is buffered in the transport, which the selector cannot see. */
    private void readAgain() {
        readAgainQueued = false;
        if (state != ConnectionState.CLOSED) {
            onReadable();
            updateInterest();
        }
    }

    private void onReadable() {
        ByteBuffer buf = loop.readBuffer();
        for (int i = 0; i < READS_PER_EVENT && isReading(); i++) {
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
            buf.flip();
            consume(buf);
            if (n < buf.capacity()) {
                return; // the socket is most likely drained
            }
        }
    }

    private void onEndOfStream() {
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
    private void consume(ByteBuffer buf) {
        while (buf.hasRemaining()) {
            switch (state) {
                case HTTP -> {
                    if (client != null) {
                        onClientResponseBytes(buf);
                    } else {
                        onHttpBytes(buf);
                    }
                }
                case HTTP_RESPONSE -> {
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
                    }
                    buf.position(buf.limit());
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

    private void stashPendingInput(ByteBuffer buf) {
        int have = pendingInput == null ? 0 : pendingInput.remaining();
        ByteBuffer merged = ByteBuffer.allocate(have + buf.remaining());
        if (pendingInput != null) {
            merged.put(pendingInput);
        }
        merged.put(buf).flip();
        pendingInput = merged;
    }

    // ---------------------------------------------------------------- HTTP

    private void onHttpBytes(ByteBuffer buf) {
        HttpRequest request;
        try {
            request = parser.parse(buf);
        } catch (HttpException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "bad request from " + remoteAddress + ": "
                    + e.status() + " " + e.getMessage());
            buf.position(buf.limit());
            startResponse(StaticFiles.error(e.status(), e.getMessage(), false), buf);
            return;
        }
        if (request == null) {
            buf.position(buf.limit());
            return;
        }
        cancelHandshakeTimer();
        if (!UpgradeHandshake.isUpgradeRequest(request)) {
            startResponse(settings.staticFiles().respond(request), buf);
            return;
        }
        UpgradeDecision decision = UpgradeHandshake.decide(request, settings.protocolNames(),
                settings.config().originCheck(), settings::isDeflateAllowed);
        if (decision instanceof UpgradeDecision.Accept accept) {
            establish(accept);
        } else if (decision instanceof UpgradeDecision.Reject reject) {
            HttpResponse r = reject.response();
            buf.position(buf.limit());
            startResponse(new HttpResponse(r.head(), r.bodyFile(), r.bodyLength(), false), buf);
        }
    }

    private void startResponse(HttpResponse response, ByteBuffer leftover) {
        moveTo(ConnectionState.HTTP_RESPONSE);
        if (leftover.hasRemaining()) {
            stashPendingInput(leftover);
        }
        keepAliveAfterResponse = response.keepAlive();
        outbound.addData(response.head());
        if (response.bodyFile() != null && response.bodyLength() > 0) {
            try {
                file = FileBody.open(response.bodyFile(), response.bodyLength());
            } catch (IOException e) {
                // the head is promised but the body cannot come: the peer sees a short body
                LOG.log(System.Logger.Level.WARNING, "cannot open " + response.bodyFile(), e);
                keepAliveAfterResponse = false;
            }
        }
        updateInterest();
        requestFlush();
    }

    /** The response has been written completely. */
    private void finishResponse() {
        closeFile();
        if (!keepAliveAfterResponse) {
            startLinger();
            return;
        }
        moveTo(ConnectionState.HTTP);
        parser.reset();
        armHandshakeTimer();
        updateInterest();
        ByteBuffer pending = pendingInput;
        pendingInput = null;
        if (pending != null) {
            consume(pending);
        }
    }

    private void onClientResponseBytes(ByteBuffer buf) {
        String chosen;
        try {
            chosen = client.readResponse(buf);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "handshake refused by " + remoteAddress
                    + ": " + e.getMessage());
            buf.position(buf.limit());
            transportFailure = e;
            closeTransport();
            return;
        }
        if (chosen == null) {
            buf.position(buf.limit());
            return;
        }
        cancelHandshakeTimer();
        protocol = client.protocol();
        protocolName = chosen.isEmpty() ? null : chosen;
        if (client.deflateParams() != null) {
            int threshold = client.compressionThreshold();
            deflate = PerMessageDeflate.create(client.deflateParams(), false,
                    threshold >= 0 ? threshold : settings.config().compressionThreshold(), settings.zlib());
        }
        frameReader = new FrameReader(this, settings.config().maxMessageSize(), false,
                deflate == null ? null : deflate.inflater());
        moveTo(ConnectionState.OPEN);
        open = true;
        lastReceiveNanos = System.nanoTime();
        lastPingNanos = lastReceiveNanos;
        try {
            protocol.onEstablished(this);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            callbackFailed("onEstablished", t);
        }
        client.established(this);
        armLivenessTimer();
    }

    private void establish(UpgradeDecision.Accept accept) {
        String name = accept.protocolName();
        if (name == null || !settings.config().protocols().containsKey(name)) {
            name = settings.protocolNames().get(0);
        }
        protocol = settings.config().protocols().get(name);
        protocolName = name;
        parser = null;
        if (accept.deflate() != null) {
            deflate = PerMessageDeflate.create(accept.deflate(), true,
                    settings.compressionThreshold(name), settings.zlib());
        }
        frameReader = new FrameReader(this, settings.config().maxMessageSize(), true,
                deflate == null ? null : deflate.inflater());
        outbound.addData(accept.response());
        moveTo(ConnectionState.OPEN);
        open = true;
        lastReceiveNanos = System.nanoTime();
        lastPingNanos = lastReceiveNanos;
        requestFlush();
        try {
            protocol.onEstablished(this);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            callbackFailed("onEstablished", t);
        }
        armLivenessTimer();
    }

    // ---------------------------------------------------------------- MessageSink

    @Override
    public void onText(String text) {
        if (state != ConnectionState.OPEN) {
            return; // we are closing: data after our close frame is dropped
        }
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
        try {
            protocol.onBinary(this, data);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            callbackFailed("onBinary", t);
        }
    }

    @Override
    public void onPing(ByteBuffer payload) {
        assert loop.inServiceThread();
        if (state != ConnectionState.OPEN) {
            return;
        }
        outbound.addControl(frames.frame(FrameWriter.OP_PONG, payload));
        if (outbound.controlBytes() > MAX_CONTROL_BYTES) {
            updateInterest(); // pauses reading until the pongs drain
        }
        requestFlush();
    }

    @Override
    public void onPong(ByteBuffer payload) {
        // liveness is tracked by lastReceiveNanos; nothing else to do
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
            case HTTP, HTTP_RESPONSE, CLOSE_FLUSH, LINGER, CLOSED -> {
                // the reader ignores input after a close; nothing to answer
            }
        }
    }

    // ---------------------------------------------------------------- closing

    private void startClose(int code, String reason) {
        closeCode = code;
        closeReason = reason;
        outbound.addData(frames.close(code, reason));
        moveTo(ConnectionState.CLOSE_SENT);
        writableRequested = false;
        armCloseTimer();
        requestFlush();
    }

    /**
     * Closes after a failure, without waiting for the peer's close: our close goes after the
     * data already queued (replies to the peer's valid messages before the fault still go
     * out, as Autobahn's strict cases expect), and the close timer bounds the flush.
     */
    private void fail(int code, String reason) {
        switch (state) {
            case OPEN -> {
                closeCode = code;
                closeReason = reason == null ? "" : reason;
                outbound.addData(frames.close(code, closeReason));
                moveTo(ConnectionState.CLOSE_FLUSH);
                writableRequested = false;
                armCloseTimer();
                requestFlush();
            }
            case CLOSE_SENT -> {
                // our close frame is queued or out: nothing more may be sent, but what is
                // queued still drains and the close lingers (bounded by the close timer)
                moveTo(ConnectionState.CLOSE_FLUSH);
                requestFlush();
            }
            case HTTP, HTTP_RESPONSE, CLOSE_FLUSH, LINGER -> closeTransport();
            case CLOSED -> {
                // done already
            }
        }
    }

    private void callbackFailed(String callback, Throwable t) {
        LOG.log(System.Logger.Level.WARNING, "Protocol." + callback + " threw on connection "
                + remoteAddress + "; closing it with 1011", t);
        fail(CloseCodes.INTERNAL_ERROR, "internal error");
    }

    /**
     * Our last bytes are flushed: half-close and drain the peer's input; see the overview.
     * From CLOSE_FLUSH, or from HTTP_RESPONSE after a response that ends the connection.
     */
    private void finishOutput() {
        if (inputEnded) {
            closeTransport(); // nothing left to drain: a plain close sends a FIN
        } else {
            startLinger();
        }
    }

    private void startLinger() {
        assert loop.inServiceThread();
        // RFC 6455 7.1.1: the server closes the TCP connection first; a client sends no FIN
        // of its own but waits for the server's end of stream (bounded by LINGER_TIMEOUT).
        // Some servers (Autobahn's fuzzingserver under Jython) lose track of a connection
        // whose client half-closed while they were dropping it.
        if (client == null) {
            try {
                transport.shutdownOutput();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "shutdownOutput failed", e);
                closeTransport();
                return;
            }
        }
        moveTo(ConnectionState.LINGER);
        open = false;
        cancelTimers();
        closeFile();
        pendingInput = null;
        writableRequested = false;
        releaseDeflate(); // lingering input is dropped unparsed
        lingerTimer = loop.schedule(LINGER_TIMEOUT, this::onLingerTimeout);
        updateInterest();
        // Count as lingering only after onClosed: ContextImpl.close() waits for the
        // non-lingering count to reach zero before onDestroy, so counting first could let
        // onDestroy overtake this connection's onClosed.
        try {
            notifyClosed();
        } finally {
            loop.addLingering(1);
        }
    }

    private void onLingerTimeout() {
        lingerTimer = null;
        if (state == ConnectionState.LINGER) {
            LOG.log(System.Logger.Level.DEBUG, () -> "linger timeout: " + remoteAddress);
            closeTransport();
        }
    }

    /** The only way to CLOSED; see the overview for the ordering. */
    private void closeTransport() {
        assert loop.inServiceThread();
        if (state == ConnectionState.CLOSED) {
            return;
        }
        boolean lingering = state == ConnectionState.LINGER;
        moveTo(ConnectionState.CLOSED);
        if (writeInFlight == null) {
            outbound.releaseFrames(); // else the write's completion does it
        }
        open = false;
        cancelTimers();
        closeFile();
        pendingInput = null;
        writableRequested = false;
        if (key != null) {
            key.cancel();
            loop.selectorChanged();
        }
        closeQuietly(transport);
        releaseDeflate();
        // Uncount only after onClosed, for the same reason as in startLinger().
        try {
            if (client != null && frameReader == null) {
                client.failed(transportFailure);
            }
            notifyClosed();
        } finally {
            loop.addConnections(-1);
            if (lingering) {
                loop.addLingering(-1);
            }
        }
    }

    /**
     * Frees the native zlib memory; a read still in progress then fails with 1011. A
     * deflater lent to a compression without the role is freed by that compression when it
     * ends (PerMessageDeflate's loan), never under it; messages still pending are dropped
     * with the queue.
     */
    private void releaseDeflate() {
        if (deflate != null) {
            deflate.release();
        }
    }

    /** Close hooks, then onClosed: once, for an established connection. */
    private void notifyClosed() {
        if (frameReader == null || closedNotified) {
            return;
        }
        closedNotified = true;
        closeHooks.runOnce();
        int code = closeCode == 0 ? CloseCodes.ABNORMAL : closeCode;
        try {
            protocol.onClosed(this, code, closeReason);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "Protocol.onClosed threw", t);
        }
    }

    // ---------------------------------------------------------------- output

    /** @return true in the states whose output may still be pending */
    private boolean hasOutput() {
        return state != ConnectionState.LINGER && state != ConnectionState.CLOSED;
    }

    private void requestFlush() {
        if (!flushQueued && hasOutput()) {
            flushQueued = true;
            loop.runAfterIo(flushTask);
        }
    }

    private void runQueuedFlush() {
        assert loop.inServiceThread();
        flushQueued = false;
        if (!hasOutput() || writeInFlight != null) {
            return; // a write without the role is under way: its completion flushes again
        }
        if (canWriteWithoutRole() && loop.isBorrowedByCaller()) {
            prepareWriteWithoutRole();
            if (loop.writeAfterGivingBack(writeWithoutRoleTask, completeWriteTask)) {
                claimWriteWithoutRole();
                return;
            }
        }
        flush();
    }

    @Override
    public Runnable claimWriteForSyncingWorker() {
        assert loop.inServiceThread();
        if (deflate == null || writeInFlight != null || !outbound.hasPending()
                || outbound.dataBytes() < MIN_HANDED_BYTES || !(transport instanceof PlainTransport)
                || !canWriteWithoutRole()) {
            return null;
        }
        prepareWriteWithoutRole();
        claimWriteWithoutRole();
        return handedWriteTask;
    }

    private void prepareWriteWithoutRole() {
        if (offRoleBatch == null) {
            offRoleBatch = new OutboundBatch(new ByteBuffer[16]);
            writeWithoutRoleTask = this::writeWithoutRole;
            completeWriteTask = this::completeWriteWithoutRole;
            handedWriteTask = this::runHandedWrite;
        }
    }

    /** With the role: takes the queued frames and messages into the batch written without it. */
    private void claimWriteWithoutRole() {
        transport.beginWriteWithoutRole();
        outbound.gather(offRoleBatch);
        int taken = outbound.takePending(offRoleBatch);
        if (taken != 0) {
            deflate.lendDeflater(); // compressed by writeWithoutRole, given back there
            messagesTakenWithoutRole += taken;
        }
        writeInFlight = offRoleBatch;
    }

    /**
     * A SYNC's worker, without the role: the write handed to it, then its completion. A
     * loop that has stopped drops the completion: it closed the channel, and the deflater's
     * loan ended in writeWithoutRole.
     */
    private void runHandedWrite() {
        writeWithoutRole();
        loop.executeOrServe(completeWriteTask);
    }

    /**
     * A borrower of the loop's role writes this connection's queued frames after it gives
     * the role back, so that workers answering SYNCs of different connections write to
     * their sockets at the same time instead of one after the other: OPEN, queued frames,
     * no file body, and a transport that can take such a write now.
     */
    private boolean canWriteWithoutRole() {
        return state == ConnectionState.OPEN && file == null && !outbound.isEmpty()
                && transport.canWriteWithoutRole();
    }

    /**
     * Runs without the role, on the borrower that claimed the batch or on the SYNC's worker
     * it was handed to (runHandedWrite): nothing else touches the batch's frames, its taken
     * messages or the deflater until the completion (other writers only add frames and
     * messages; flushes, compressions and OP_WRITE interest wait for writeInFlight to
     * clear). A close in the meantime closes the channel under us: the write then fails,
     * and the completion sees CLOSED.
     */
    private void writeWithoutRole() {
        OutboundBatch batch = offRoleBatch;
        if (batch.takenCount != 0 && !compressWithoutRole(batch)) {
            return;
        }
        try {
            offRoleWritten = transport.writeWithoutRole(batch.buffers, 0, batch.count);
        } catch (IOException e) {
            offRoleFailure = e;
        } catch (RuntimeException e) { // a TLS engine's: it must not escape into the worker
            offRoleFailure = new IOException("write failed: " + e, e);
        }
    }

    /**
     * Without the role: compresses the messages the claim took, with the deflater lent to
     * us, in queue order and after every message compressed before (the previous batch's
     * completion, or the flush that compressed with the role, happens-before our claim).
     * A failure becomes the write's: the completion closes the connection.
     *
     * @return false when nothing may be written (the failure is in offRoleFailure)
     */
    private boolean compressWithoutRole(OutboundBatch batch) {
        PerMessageDeflate codec = deflate; // set once at establishment, before any write
        try {
            if (codec.isReleaseAsked()) {
                offRoleFailure = new ClosedChannelException(); // closed meanwhile: spare the work
                return false;
            }
            batch.encodeTaken(codec.deflater());
            return true;
        } catch (RuntimeException e) {
            offRoleFailure = compressionFailed(e);
            return false;
        } finally {
            codec.returnDeflater();
        }
    }

    /** With the role again: accounts the write, then flushes what was queued meanwhile. */
    private void completeWriteWithoutRole() {
        assert loop.inServiceThread();
        OutboundBatch batch = writeInFlight;
        assert batch != null : "a completion without a claimed write";
        writeInFlight = null;
        IOException failure = offRoleFailure;
        offRoleFailure = null;
        boolean readAgain = transport.endWriteWithoutRole();
        if (state == ConnectionState.CLOSED || state == ConnectionState.LINGER) {
            batch.clear();
            outbound.releaseFrames(); // nothing more is written
            return;
        }
        if (readAgain && !readAgainQueued) {
            readAgainQueued = true; // a read waited for a TLS handshake record only we could wrap
            loop.execute(readAgainTask);
        }
        outbound.settle(batch);
        if (failure != null) {
            LOG.log(System.Logger.Level.DEBUG, "write failed", failure);
            transportFailure = failure;
            closeTransport();
            return;
        }
        if (offRoleWritten == batch.bytesBefore() && !outbound.isEmpty()) {
            requestFlush(); // more came meanwhile: the next holder writes it
            return;
        }
        flush(); // the socket is full (OP_WRITE takes over), or the queue drained: its follow-ups
    }

    private void flush() {
        if (writeInFlight != null) {
            return; // the completion of the write without the role flushes
        }
        if (outbound.hasPending() && !compressPending()) {
            return;
        }
        try {
            transport.flushPending();
            outbound.writeTo(transport, loop.gatherArray());
            if (outbound.isEmpty() && file != null && file.sendChunk(transport)) {
                closeFile();
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "write failed", e);
            transportFailure = e;
            closeTransport();
            return;
        }
        boolean drained = outbound.isEmpty() && file == null && !transport.hasPendingOutput();
        if (drained && state == ConnectionState.CLOSE_FLUSH) {
            finishOutput();
            return;
        }
        if (drained && state == ConnectionState.HTTP_RESPONSE) {
            finishResponse();
            return;
        }
        updateInterest();
        if (writableRequested && state == ConnectionState.OPEN
                && outbound.dataBytes() <= lowWaterMark()) {
            writableRequested = false;
            deliverOnWritable();
        }
    }

    /**
     * With the role and no write in flight (nothing else uses the deflater): compresses the
     * queued messages, in order, before they are written.
     *
     * @return false when compression failed and the connection was closed
     */
    private boolean compressPending() {
        try {
            outbound.encodePending(deflate.deflater());
            return true;
        } catch (RuntimeException e) {
            transportFailure = compressionFailed(e);
            closeTransport();
            return false;
        }
    }

    /** Logs a deflater's failure (a bug, or a released deflater) and makes it the write's. */
    private IOException compressionFailed(RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "compressing a message for " + remoteAddress
                + " failed; closing the connection", e);
        return new IOException("compressing a message failed", e);
    }

    private void deliverOnWritable() {
        try {
            protocol.onWritable(this);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            callbackFailed("onWritable", t);
        }
    }

    private long lowWaterMark() {
        return settings.config().maxOutboundBytes() / 4;
    }

    private void updateInterest() {
        if (state == ConnectionState.CLOSED || key == null || !key.isValid()) {
            return;
        }
        boolean readPaused = state == ConnectionState.HTTP_RESPONSE || inputEnded
                || outbound.controlBytes() > MAX_CONTROL_BYTES;
        boolean wantWrite = transport.hasPendingOutput()
                || ((!outbound.isEmpty() || file != null) && !transport.isHandshaking()
                        && writeInFlight == null);
        int ops = (readPaused ? 0 : SelectionKey.OP_READ) | (wantWrite ? SelectionKey.OP_WRITE : 0);
        if (transport.isStalled()) {
            ops = 0; // a TLS task runs off the loop; its resume action brings us back
        }
        if ((ops & SelectionKey.OP_READ) != 0 && !readAgainQueued
                && transport.hasBufferedInput()) {
            readAgainQueued = true;
            loop.execute(readAgainTask);
        }
        if (ops != interestOps) {
            interestOps = ops;
            key.interestOps(ops);
            loop.selectorChanged();
        }
    }

    private void closeFile() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing a served file failed", e);
            }
            file = null;
        }
    }

    // ---------------------------------------------------------------- timers

    private void armHandshakeTimer() {
        handshakeTimer = loop.schedule(handshakeTimeout(), () -> {
            if (state == ConnectionState.HTTP) {
                LOG.log(System.Logger.Level.DEBUG, () -> "handshake timeout: " + remoteAddress);
                transportFailure = new java.net.SocketTimeoutException("no websocket handshake within "
                        + handshakeTimeout().toMillis() + " ms");
                closeTransport();
            }
        });
    }

    private void cancelHandshakeTimer() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel();
            handshakeTimer = null;
        }
    }

    private void armCloseTimer() {
        if (closeTimer == null) {
            closeTimer = loop.schedule(CLOSE_TIMEOUT, this::closeTransport);
        }
    }

    private void onUserTimeout() {
        userTimer = null;
        switch (state) {
            case OPEN -> startClose(CloseCodes.POLICY_VIOLATION, "timeout");
            case HTTP, HTTP_RESPONSE -> closeTransport();
            case CLOSE_SENT, CLOSE_FLUSH, LINGER, CLOSED -> {
                // the close and linger timers bound these already
            }
        }
    }

    private void armLivenessTimer() {
        if (!settings.liveness().isEnabled() || state != ConnectionState.OPEN) {
            return;
        }
        long next = settings.liveness().nextCheck(lastReceiveNanos, lastPingNanos);
        long delay = Math.max(0, next - System.nanoTime());
        livenessTimer = loop.schedule(Duration.ofNanos(delay), this::onLivenessTimer);
    }

    private void onLivenessTimer() {
        livenessTimer = null;
        if (state != ConnectionState.OPEN) {
            return;
        }
        long now = System.nanoTime();
        switch (settings.liveness().check(now, lastReceiveNanos, lastPingNanos)) {
            case IDLE_CLOSE -> {
                startClose(CloseCodes.GOING_AWAY, "idle timeout");
                return;
            }
            case PING -> {
                outbound.addControl(frames.frame(FrameWriter.OP_PING, ByteBuffer.allocate(0)));
                lastPingNanos = now;
                requestFlush();
            }
            case NOTHING -> {
                // woke early (a later receive moved the deadline): look again
            }
        }
        armLivenessTimer();
    }

    private void cancelTimers() {
        cancelHandshakeTimer();
        for (Timer t : new Timer[] {userTimer, closeTimer, livenessTimer, lingerTimer}) {
            if (t != null) {
                t.cancel();
            }
        }
        userTimer = null;
        closeTimer = null;
        livenessTimer = null;
        lingerTimer = null;
    }

    // ---------------------------------------------------------------- helpers

    /** A client still in its handshake learns that the context, not the server, ended it. */
    private void noteContextClosing() {
        if (client != null && frameReader == null && transportFailure == null) {
            transportFailure = new io.lws4j.client.WebSocketConnectException(
                    io.lws4j.client.WebSocketConnectException.Reason.CONTEXT_CLOSED,
                    "the context closed during the handshake", 0, null);
        }
    }

    private Duration handshakeTimeout() {
        return client != null ? client.handshakeTimeout() : settings.config().handshakeTimeout();
    }

    private void moveTo(ConnectionState next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("illegal transition " + state + " -> " + next);
        }
        if (state == ConnectionState.OPEN && next != ConnectionState.CLOSED) {
            loop.runAfterIo(closeHooks::runOnce); // the close handshake starts: see the overview
        }
        state = next;
    }

    private void checkServiceThread() {
        if (!loop.inServiceThread()) {
            throw new IllegalStateException("called off the service thread ("
                    + Thread.currentThread().getName() + "); use Connection.execute");
        }
    }

    private static void closeQuietly(java.nio.channels.Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "close failed", e);
        }
    }

    @Override
    public String toString() {
        return "Connection[" + remoteAddress + ", " + protocolName + "]";
    }
}
