package io.lws4j.internal.tls;

import io.lws4j.internal.conn.Transport;
import io.lws4j.internal.loop.ServiceLoop;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * A TLS session over a non-blocking socket, driven by an {@link SSLEngine} on the service
 * loop: reads return decrypted application bytes, writes encrypt. The handshake advances
 * inside reads and writes; its delegated tasks run on an {@link Executor}, never on the
 * loop, and the resume action runs on the loop once they are done.
 *
 * <p>Service-thread confined: all methods must be called by the holder of the owning loop's
 * service role, except {@link #writeWithoutRole}, which a threadpool worker runs between
 * {@link #beginWriteWithoutRole()} and {@link #endWriteWithoutRole()} after giving the role
 * back. The other thread is the executor's, which runs the engine's delegated tasks while
 * the transport is stalled (no engine call happens on the loop meanwhile) and then posts
 * the resume action to the loop.
 */
public final class TlsTransport implements Transport {
    /*
     * Buffers (all bounded, sized from the SSLSession, grown at most to the session's
     * current sizes when the engine asks): netIn holds received TLS records in write mode;
     * appIn holds decrypted bytes not yet handed to the reader, in write mode; netOut holds
     * encrypted bytes waiting for the socket, in write mode.
     *
     * Stall: NEED_TASK sets stalled, hands every delegated task to the executor, which
     * then posts "stalled = false; resume" to the loop. Memory consistency: the executor
     * hand-off and loop.execute give the happens-before edges both ways, so the engine is
     * never used by two threads at once and each sees the other's writes.
     *
     * needMoreNet: the last unwrap underflowed, so the bytes in netIn are an incomplete
     * record; cleared when the socket adds bytes. It keeps hasBufferedInput() from claiming
     * input that cannot be decrypted yet.
     *
     * What stays on the loop: the JDK runs the handshake's heavy steps (ClientHello and
     * ServerHello processing, certificates, signatures, key agreement) as delegated tasks,
     * but consumes Finished, NewSessionTicket and KeyUpdate inside unwrap itself, so the
     * server's unwrap of the client's Finished also builds the session ticket. Those steps
     * are short once warm, too short to pay for another hand-off (TlsHandshakeBurst in the
     * test sources exercises them). The
     * client's ClientHello, built inside beginHandshake, is kept off the loop by
     * TlsEngines.startClientEngine.
     *
     * Closing: close() and shutdownOutput() send close_notify best effort (one non-blocking
     * write attempt) before the socket acts; a received close_notify ends the input (-1).
     *
     * Writes without the role: a worker encrypts and writes a connection's frames after it
     * gave the loop's role back, so workers of different connections encrypt in parallel.
     * It wraps into netOutWithoutRole, its own buffer, and writes it; the role holder may
     * unwrap at the same time (SSLEngine allows one wrap and one unwrap at once, and the
     * JDK's engine locks around both). Only one thread may wrap, or the records' sequence
     * numbers would leave in the wrong order, so from begin to end the role side wraps
     * nothing: write() is not called (the connection's flush waits), a handshake record a
     * read needs (NEED_WRAP after a KeyUpdate) is deferred (wrapDeferred; the worker's own
     * wraps usually send it, as the engine puts pending handshake records before data),
     * and close_notify is skipped (an abortive close; a graceful one waits for the write).
     * netOut is empty at begin and untouched until end, which hands over what the socket
     * did not take by swapping the two buffers. begin and end run with the role; the write
     * is ordered between them by the role's hand-over and the served queue's hand-off.
     */
    private static final System.Logger LOG = System.getLogger(TlsTransport.class.getName());

    private final SocketChannel socket;
    private final SSLEngine engine;
    private final ServiceLoop loop;
    private final Executor taskExecutor;
    private final Runnable resume;
    private ByteBuffer netIn;
    private ByteBuffer appIn;
    private ByteBuffer netOut;
    private boolean stalled;
    private boolean needMoreNet;
    private boolean inputEnded;
    private boolean outputClosed;
    private IOException taskFailure;
    /** Role side: a write without the role is between begin and end. */
    private boolean writingWithoutRole;
    /** Role side: a read stopped at NEED_WRAP during a write without the role. */
    private boolean wrapDeferred;
    /** Made on the first write without the role; used by that write only, until end. */
    private ByteBuffer netOutWithoutRole;

    /**
     * @param socket a connected non-blocking socket
     * @param engine a fresh engine in client or server mode, protocols already set
     * @param loop the owning loop, which runs {@code resume}
     * @param taskExecutor runs delegated handshake tasks
     * @param resume what to run on the loop after a stall (the connection retries its I/O)
     */
    public TlsTransport(SocketChannel socket, SSLEngine engine, ServiceLoop loop,
            Executor taskExecutor, Runnable resume) {
        this.socket = socket;
        this.engine = engine;
        this.loop = loop;
        this.taskExecutor = taskExecutor;
        this.resume = resume;
        SSLSession session = engine.getSession();
        this.netIn = ByteBuffer.allocate(session.getPacketBufferSize());
        this.appIn = ByteBuffer.allocate(session.getApplicationBufferSize());
        this.netOut = ByteBuffer.allocate(session.getPacketBufferSize());
    }

    /**
     * Takes bytes the connection read from the socket before this transport existed, which
     * are the start of the TLS stream (what followed a PROXY protocol header in the same
     * read). Service thread only, before the first {@link #read}; the bytes are at most
     * one read of the loop's buffer, so netIn grows to at most that size. They count as
     * buffered input, so the connection reads them without waiting for the socket.
     *
     * @param bytes the received bytes, consumed entirely
     */
    public void addEarlierInput(ByteBuffer bytes) {
        assert loop.inServiceThread();
        if (netIn.remaining() < bytes.remaining()) {
            netIn = grow(netIn, netIn.position() + bytes.remaining());
        }
        netIn.put(bytes);
    }

    /**
     * @return the engine (for its session after the handshake)
     */
    public SSLEngine engine() {
        return engine;
    }

    @Override
    public SocketChannel socket() {
        return socket;
    }

    @Override
    public WritableByteChannel fileTarget() {
        return this;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        assert loop.inServiceThread();
        checkTaskFailure();
        int n = drainAppIn(dst);
        while (dst.hasRemaining() && !stalled && !inputEnded) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                startTasks();
                break;
            }
            if (hs == HandshakeStatus.NEED_WRAP) {
                if (writingWithoutRole) {
                    wrapDeferred = true; // only the worker may wrap now; end brings us back
                    break;
                }
                if (!wrapHandshake()) {
                    break; // the socket is full; OP_WRITE brings us back
                }
                continue;
            }
            netIn.flip();
            SSLEngineResult r;
            try {
                r = engine.unwrap(netIn, appIn);
            } finally {
                netIn.compact();
            }
            switch (r.getStatus()) {
                case OK -> {
                    n += drainAppIn(dst);
                }
                case BUFFER_UNDERFLOW -> {
                    int packet = engine.getSession().getPacketBufferSize();
                    if (netIn.remaining() == 0 && netIn.capacity() < packet) {
                        netIn = grow(netIn, packet);
                    }
                    needMoreNet = true;
                    int got = socket.read(netIn);
                    if (got < 0) {
                        inputEnded = true;
                        return n > 0 ? n : -1;
                    }
                    if (got == 0) {
                        return n;
                    }
                    needMoreNet = false;
                }
                case BUFFER_OVERFLOW -> {
                    if (appIn.position() > 0) {
                        n += drainAppIn(dst);
                    } else {
                        appIn = mustGrow(appIn, engine.getSession().getApplicationBufferSize());
                    }
                }
                case CLOSED -> {
                    // the peer's close_notify: no more input
                    n += drainAppIn(dst);
                    inputEnded = true;
                }
            }
        }
        if (inputEnded && n == 0 && appIn.position() == 0) {
            return -1;
        }
        return n;
    }

    private int drainAppIn(ByteBuffer dst) {
        if (appIn.position() == 0) {
            return 0;
        }
        appIn.flip();
        int n = Math.min(appIn.remaining(), dst.remaining());
        ByteBuffer slice = appIn.duplicate();
        slice.limit(slice.position() + n);
        dst.put(slice);
        appIn.position(appIn.position() + n);
        appIn.compact();
        return n;
    }

    /** @return false when the socket did not take all handshake output */
    private boolean wrapHandshake() throws IOException {
        flushPending();
        if (netOut.position() > 0) {
            return false;
        }
        SSLEngineResult r = engine.wrap(EMPTY, netOut);
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            netOut = mustGrow(netOut, engine.getSession().getPacketBufferSize());
        } else if (r.getStatus() == SSLEngineResult.Status.CLOSED && r.bytesProduced() == 0) {
            throw new SSLException("TLS session closed during the handshake");
        }
        flushPending();
        return netOut.position() == 0;
    }

    private static final ByteBuffer[] EMPTY = {ByteBuffer.allocate(0)};

    private void startTasks() {
        List<Runnable> tasks = new ArrayList<>(2);
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            tasks.add(task);
        }
        stalled = true;
        Runnable runAll = () -> {
            IOException failure = null;
            try {
                for (Runnable t : tasks) {
                    t.run();
                }
            } catch (RuntimeException e) {
                failure = new SSLException("TLS handshake task failed", e);
            }
            IOException f = failure;
            loop.execute(() -> {
                stalled = false;
                if (f != null && taskFailure == null) {
                    taskFailure = f;
                }
                resume.run();
            });
        };
        try {
            taskExecutor.execute(runAll);
        } catch (RejectedExecutionException e) {
            stalled = false;
            taskFailure = new SSLException("no executor for TLS handshake tasks", e);
        }
    }

    private void checkTaskFailure() throws IOException {
        if (taskFailure != null) {
            throw taskFailure;
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return (int) write(new ByteBuffer[] {src}, 0, 1);
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        assert loop.inServiceThread();
        assert !writingWithoutRole : "a write without the role is under way";
        checkTaskFailure();
        if (outputClosed) {
            throw new SSLException("TLS output already closed");
        }
        long total = 0;
        while (!stalled) {
            flushPending();
            if (netOut.position() > 0) {
                break;
            }
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                startTasks();
                break;
            }
            if (hs == HandshakeStatus.NEED_UNWRAP || hs == HandshakeStatus.NEED_UNWRAP_AGAIN) {
                break; // the peer must answer first; reads drive the handshake on
            }
            if (hs == HandshakeStatus.NEED_WRAP) {
                wrapHandshake();
                continue;
            }
            if (!hasRemaining(srcs, offset, length)) {
                break;
            }
            SSLEngineResult r = engine.wrap(srcs, offset, length, netOut);
            switch (r.getStatus()) {
                case OK -> total += r.bytesConsumed();
                case BUFFER_OVERFLOW -> netOut = mustGrow(netOut,
                        engine.getSession().getPacketBufferSize());
                case CLOSED -> throw new SSLException("TLS session closed");
                case BUFFER_UNDERFLOW -> throw new IllegalStateException("wrap underflow");
            }
        }
        return total;
    }

    private static boolean hasRemaining(ByteBuffer[] srcs, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (srcs[i].hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void flushPending() throws IOException {
        if (netOut.position() == 0) {
            return;
        }
        netOut.flip();
        try {
            socket.write(netOut);
        } finally {
            netOut.compact();
        }
    }

    @Override
    public boolean hasBufferedInput() {
        // records in netIn only count while no handshake output waits for the socket: an
        // unwrap may need a wrap first, and OP_WRITE (not a read retry) must come before it;
        // nor while a deferred wrap waits for the end of a write without the role
        return !stalled && (appIn.position() > 0 || (!inputEnded && netOut.position() == 0
                && netIn.position() > 0 && !needMoreNet && !(wrapDeferred && writingWithoutRole)));
    }

    /** Only after the handshake, with nothing of ours pending and nothing off the loop. */
    @Override
    public boolean canWriteWithoutRole() {
        assert loop.inServiceThread();
        return !stalled && !outputClosed && taskFailure == null && !writingWithoutRole
                && netOut.position() == 0 && engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING;
    }

    @Override
    public void beginWriteWithoutRole() {
        assert loop.inServiceThread() && canWriteWithoutRole();
        if (netOutWithoutRole == null) {
            netOutWithoutRole = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        }
        writingWithoutRole = true;
    }

    @Override
    public long writeWithoutRole(ByteBuffer[] srcs, int offset, int length) throws IOException {
        ByteBuffer net = netOutWithoutRole;
        long total = 0;
        try {
            for (;;) {
                if (net.position() > 0) {
                    net.flip();
                    try {
                        socket.write(net);
                    } finally {
                        net.compact();
                    }
                    if (net.position() > 0) {
                        break; // the socket is full: end hands the rest to netOut
                    }
                }
                if (!hasRemaining(srcs, offset, length)) {
                    break;
                }
                HandshakeStatus hs = engine.getHandshakeStatus();
                if (hs != HandshakeStatus.NOT_HANDSHAKING && hs != HandshakeStatus.NEED_WRAP) {
                    break; // the peer started a handshake: the role side goes on with it
                }
                SSLEngineResult r = engine.wrap(srcs, offset, length, net);
                switch (r.getStatus()) {
                    case OK -> total += r.bytesConsumed();
                    case BUFFER_OVERFLOW -> net = mustGrow(net, engine.getSession().getPacketBufferSize());
                    case CLOSED -> throw new SSLException("TLS session closed");
                    case BUFFER_UNDERFLOW -> throw new IllegalStateException("wrap underflow");
                }
                if (r.getStatus() == SSLEngineResult.Status.OK && r.bytesConsumed() == 0
                        && r.bytesProduced() == 0) {
                    break; // no progress: the role side's write sorts out why
                }
            }
        } finally {
            netOutWithoutRole = net;
        }
        return total;
    }

    @Override
    public boolean endWriteWithoutRole() {
        assert loop.inServiceThread() && writingWithoutRole;
        writingWithoutRole = false;
        if (netOutWithoutRole.position() > 0) {
            assert netOut.position() == 0 : "netOut was written during a write without the role";
            ByteBuffer left = netOutWithoutRole;
            netOutWithoutRole = netOut;
            netOut = left;
        }
        boolean readAgain = wrapDeferred;
        wrapDeferred = false;
        return readAgain;
    }

    @Override
    public boolean hasPendingOutput() {
        return netOut.position() > 0;
    }

    @Override
    public boolean isHandshaking() {
        if (stalled) {
            // a delegated task holds the engine's lock while it runs: asking the engine now
            // would make the loop wait for the task
            return true;
        }
        HandshakeStatus hs = engine.getHandshakeStatus();
        return hs == HandshakeStatus.NEED_UNWRAP || hs == HandshakeStatus.NEED_UNWRAP_AGAIN
                || hs == HandshakeStatus.NEED_TASK;
    }

    @Override
    public boolean isStalled() {
        return stalled;
    }

    /** Queues close_notify and makes one attempt to write it. */
    private void sendCloseNotify() {
        if (writingWithoutRole) {
            outputClosed = true; // a worker may be wrapping: no second wrapper, no close_notify
        }
        if (outputClosed || stalled) {
            return;
        }
        outputClosed = true;
        try {
            engine.closeOutbound();
            for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                SSLEngineResult r = engine.wrap(EMPTY, netOut);
                if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesProduced() == 0) {
                    break;
                }
            }
            flushPending();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "close_notify not sent", e);
        }
    }

    @Override
    public void shutdownOutput() throws IOException {
        assert loop.inServiceThread();
        sendCloseNotify();
        socket.shutdownOutput();
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    @Override
    public void close() throws IOException {
        if (socket.isOpen()) {
            sendCloseNotify();
        }
        socket.close();
    }

    /** Like grow, but a buffer that cannot grow any more is an error, not a retry. */
    private static ByteBuffer mustGrow(ByteBuffer buf, int atLeast) throws SSLException {
        ByteBuffer bigger = grow(buf, atLeast);
        if (bigger == buf) {
            throw new SSLException("TLS record larger than the session's buffer size");
        }
        return bigger;
    }

    private static ByteBuffer grow(ByteBuffer buf, int atLeast) {
        int size = Math.max(atLeast, buf.capacity());
        if (size == buf.capacity()) {
            return buf; // the engine asked for no more than we have: the caller drains first
        }
        ByteBuffer bigger = ByteBuffer.allocate(size);
        buf.flip();
        bigger.put(buf);
        return bigger;
    }
}
