package io.lws4j.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * A {@link Link} speaking TLS through an {@link SSLEngine} on a non-blocking socket. The
 * handshake runs inside {@link #read} and {@link #write} (delegated tasks run inline: they
 * happen before any measured period). Buffers are allocated once per connection: the
 * records coming in ({@code netIn}, two packets) and going out ({@code netOut}, four
 * packets, so one socket write carries several records). What SSLEngine allocates inside
 * wrap and unwrap is beyond our reach. No close_notify is sent: the owner closes the socket.
 *
 * <p>Not thread-safe: a link belongs to the selector thread of its socket.
 */
public final class TlsLink implements Link {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private final SocketChannel channel;
    private final SSLEngine engine;
    private final int packetSize;
    /** Received records not yet unwrapped; write mode. */
    private final ByteBuffer netIn;
    /** Records not yet written to the socket; write mode. */
    private final ByteBuffer netOut;
    private boolean overflowed;
    private boolean endOfStream;

    public TlsLink(SocketChannel channel, SSLEngine engine) throws SSLException {
        this.channel = channel;
        this.engine = engine;
        this.packetSize = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(2 * packetSize);
        this.netOut = ByteBuffer.allocate(4 * packetSize);
        engine.beginHandshake();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int before = dst.position();
        if (!endOfStream && netIn.hasRemaining() && channel.read(netIn) < 0) {
            endOfStream = true;
        }
        unwrapInto(dst);
        int got = dst.position() - before;
        return got == 0 && endOfStream && !overflowed ? -1 : got;
    }

    private void unwrapInto(ByteBuffer dst) throws IOException {
        overflowed = false;
        netIn.flip();
        try {
            while (true) {
                SSLEngineResult r = engine.unwrap(netIn, dst);
                handshakeWork(r.getHandshakeStatus());
                switch (r.getStatus()) {
                    case BUFFER_OVERFLOW -> {
                        overflowed = true;
                        return;
                    }
                    case BUFFER_UNDERFLOW -> {
                        return; // a partial record: wait for more bytes (netIn holds two packets)
                    }
                    case CLOSED -> {
                        endOfStream = true;
                        return;
                    }
                    default -> {
                        if (r.bytesConsumed() == 0 && r.bytesProduced() == 0 || !netIn.hasRemaining()) {
                            return;
                        }
                    }
                }
            }
        } finally {
            netIn.compact();
        }
    }

    /** Runs delegated tasks and sends handshake messages the engine asks for. */
    private void handshakeWork(HandshakeStatus hs) throws IOException {
        while (true) {
            if (hs == HandshakeStatus.NEED_TASK) {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
                hs = engine.getHandshakeStatus();
            } else if (hs == HandshakeStatus.NEED_WRAP) {
                if (netOut.remaining() < packetSize) {
                    flushNet();
                    if (netOut.remaining() < packetSize) {
                        return; // wantsWrite() stays true; the owner waits for OP_WRITE
                    }
                }
                SSLEngineResult r = engine.wrap(EMPTY, netOut);
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    throw new SSLException("TLS closed during the handshake");
                }
                hs = r.getHandshakeStatus();
                flushNet();
            } else {
                return;
            }
        }
    }

    @Override
    public boolean write(ByteBuffer src) throws IOException {
        flushNet();
        handshakeWork(engine.getHandshakeStatus());
        while (src.hasRemaining() && !handshaking()) {
            if (netOut.remaining() < packetSize) {
                flushNet();
                if (netOut.remaining() < packetSize) {
                    return true;
                }
            }
            SSLEngineResult r = engine.wrap(src, netOut);
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new SSLException("TLS engine closed");
            }
            handshakeWork(r.getHandshakeStatus());
        }
        flushNet();
        return wantsWrite();
    }

    private boolean handshaking() {
        HandshakeStatus hs = engine.getHandshakeStatus();
        return hs != HandshakeStatus.NOT_HANDSHAKING && hs != HandshakeStatus.FINISHED;
    }

    private void flushNet() throws IOException {
        if (netOut.position() == 0) {
            return;
        }
        netOut.flip();
        channel.write(netOut);
        netOut.compact();
    }

    @Override
    public boolean wantsWrite() {
        return netOut.position() > 0 || engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP;
    }

    @Override
    public boolean hasBufferedInput() {
        return overflowed;
    }

    @Override
    public String describe() {
        return engine.getSession().getProtocol() + " " + engine.getSession().getCipherSuite();
    }
}
