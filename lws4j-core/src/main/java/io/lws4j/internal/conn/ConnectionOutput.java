package io.lws4j.internal.conn;

import io.lws4j.internal.deflate.MessageDeflater;
import io.lws4j.internal.frame.FrameWriter;
import io.lws4j.internal.loop.ServiceLoop;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Objects;

/**
 * The write side of a connection: the websocket write API, the bounded outbound queue, the
 * flush and the selector interest.
 *
 * <p>Service-thread confined.
 */
abstract class ConnectionOutput extends OffRoleWrites {

    ConnectionOutput(ServiceLoop loop, SocketChannel channel, ConnectionSettings settings,
            ClientRole client) {
        super(loop, channel, settings, client);
    }

    /**
     * Binary payloads from this size up are framed in the loop's direct buffers (see
     * FrameBuffers); smaller ones would hold an 8 KiB buffer to save a copy too small to
     * measure.
     */
    static final int MIN_DIRECT_PAYLOAD = 512;

    // ---------------------------------------------------------------- public Connection API

    @Override
    public boolean writeText(String text) {
        Objects.requireNonNull(text, "text");
        checkServiceThread();
        if (state != ConnectionState.OPEN) {
            return false;
        }
        // UTF-8 takes at most 3 bytes per char: reject before encoding when surely too big
        if (streaming || !fitsData((long) text.length())) {
            return refused();
        }
        if (deflate != null) {
            MessageDeflater deflater = deflate.deflater();
            int utf8Length = FrameWriter.utf8Length(text);
            if (deflater.compresses(utf8Length)) {
                if (!fitsData(MessageDeflater.maxFrameLength(utf8Length))) {
                    return refused();
                }
                // the pending message's own copy, compressed when written
                return offerDeflated(FrameWriter.OP_TEXT, deflater.copyText(text, utf8Length), false);
            }
            // under the threshold: the frame the deflater would make, encoded now; the queue
            // keeps it behind messages still waiting for compression
        }
        return offerData(frames.text(text)) || refused();
    }

    @Override
    public boolean writeBinary(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        checkServiceThread();
        if (state != ConnectionState.OPEN) {
            return false;
        }
        if (streaming || !fitsData(data.remaining())) {
            return refused();
        }
        if (deflate != null) {
            if (deflate.deflater().compresses(data.remaining())) {
                if (!fitsData(MessageDeflater.maxFrameLength(data.remaining()))) {
                    return refused(); // before copying
                }
                // the caller may reuse its buffer once we return, and we compress later
                return offerDeflated(FrameWriter.OP_BINARY, deflate.deflater().copyPayload(data), false);
            }
            // under the threshold: encoded now, as below, in a heap frame (a frame queued
            // behind pending messages may be written by a batch without the role, which
            // never gives a loop's direct buffer back)
        } else if (frames == OutgoingFrames.SERVER && data.remaining() >= MIN_DIRECT_PAYLOAD) {
            int length = data.remaining();
            ByteBuffer frame = loop.frameBuffers().take(FrameWriter.headerLength(length, false) + length);
            if (frame != null) {
                FrameWriter.writeHeader(frame, true, FrameWriter.OP_BINARY, length, false, 0);
                if (offerData(frame.put(data.duplicate()).flip())) {
                    return true;
                }
                loop.frameBuffers().give(frame);
                return refused();
            }
        }
        return offerData(frames.frame(FrameWriter.OP_BINARY, data)) || refused();
    }

    /**
     * An OPEN connection refused a write (queue over its bound, or a stream under way): asks
     * for {@link io.lws4j.Protocol#onWritable} once the queue drains, as api.md promises,
     * so a protocol that stops on a refusal is called again.
     *
     * @return false
     */
    private boolean refused() {
        if (!writableRequested) {
            writableRequested = true;
            requestFlush();
        }
        return false;
    }

    @Override
    long queueEncoded(io.lws4j.internal.frame.EncodedMessage m) {
        assert state == ConnectionState.OPEN;
        boolean wholeDeflateMessage = deflate != null && m.fin()
                && m.opcode() != FrameWriter.OP_CONTINUATION;
        if (wholeDeflateMessage && deflate.deflater().compresses(m.payloadLength())) {
            // compressed per connection from the shared payload itself: it is never changed
            offerDeflated(m.opcode(), m.payload(), true);
        } else {
            // under the threshold this is the frame the deflater would make; the queue keeps
            // it behind messages still waiting for compression
            outbound.addData(frames.frame(m));
            if (wholeDeflateMessage) {
                tally.messageOut(); // as a compressed one is counted
            }
            requestFlush();
        }
        return outbound.framesQueued();
    }

    /**
     * Queues a message to compress when it is written (see "Compression without the role"),
     * reserving its largest frame. The caller has checked that reservation against the
     * bound (with context takeover a compressed message must go out), before copying.
     *
     * @param payload the message's own copy, handed over, or a view of immutable bytes
     * @param shared whether the payload is such a view (not recycled)
     * @return true
     */
    boolean offerDeflated(int opcode, ByteBuffer payload, boolean shared) {
        outbound.addMessage(frames.toCompress(opcode, payload, shared));
        tally.messageOut();
        requestFlush();
        return true;
    }

    boolean fitsData(long payloadBytes) {
        long queued = outbound.dataBytes();
        if (queued == 0 || queued + payloadBytes <= settings.config().maxOutboundBytes()) {
            return true;
        }
        tally.slowConsumer(remoteAddress, payloadBytes, queued, settings.config().maxOutboundBytes());
        return false;
    }

    boolean offerData(ByteBuffer frame) {
        long queued = outbound.dataBytes();
        if (queued != 0 && queued + frame.remaining() > settings.config().maxOutboundBytes()) {
            tally.slowConsumer(remoteAddress, frame.remaining(), queued,
                    settings.config().maxOutboundBytes());
            return false;
        }
        outbound.addData(frame);
        tally.messageOut();
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
    void requestFlush() {
        if (!flushQueued && hasOutput()) {
            flushQueued = true;
            loop.runAfterIo(flushTask);
        }
    }

    @Override
    void flush() {
        flushQueue();
        sends.afterFlush();
    }

    /** Writes what the socket takes, then the follow-ups of a drained queue. */
    private void flushQueue() {
        if (writeInFlight != null) {
            return; // the completion of the write without the role flushes
        }
        if (outbound.hasPending() && !compressPending()) {
            return;
        }
        boolean progressed;
        try {
            transport.flushPending();
            long wrote = outbound.writeTo(transport, loop.gatherArray());
            tally.wrote(wrote);
            progressed = wrote > 0;
            if (outbound.isEmpty() && file != null) {
                long before = file.sent();
                boolean done = file.sendChunk(transport);
                progressed |= file.sent() > before;
                if (done) {
                    closeFile();
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "write failed", e);
            transportFailure = e;
            closeTransport();
            return;
        }
        boolean drained = outbound.isEmpty() && file == null && !transport.hasPendingOutput();
        if (state == ConnectionState.HTTP_RESPONSE) {
            noteResponseWrite(progressed, drained);
        }
        if (drained && state == ConnectionState.CLOSE_FLUSH) {
            finishOutput();
            return;
        }
        if (drained && state == ConnectionState.HTTP_RESPONSE) {
            finishResponse();
            return;
        }
        updateInterest();
        if (writableRequested && state == ConnectionState.OPEN && !streaming
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
    boolean compressPending() {
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
    @Override
    IOException compressionFailed(RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "compressing a message for " + remoteAddress
                + " failed; closing the connection", e);
        return new IOException("compressing a message failed", e);
    }

    void deliverOnWritable() {
        try {
            protocol.onWritable(this);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            callbackFailed("onWritable", t);
        }
    }

    long lowWaterMark() {
        return settings.config().maxOutboundBytes() / 4;
    }

    void updateInterest() {
        if (state == ConnectionState.CLOSED || key == null || !key.isValid()) {
            return;
        }
        // while a handler's response is pending or streaming, reads go on (bounded, as in
        // HANDSHAKE) so that a client leaving is noticed and the exchange closed
        boolean readPaused = (state == ConnectionState.HTTP_RESPONSE && (exchange == null
                        || (pendingInput != null
                                && pendingInput.remaining() >= MAX_HANDSHAKE_PENDING_INPUT)))
                || inputEnded
                || (state == ConnectionState.HANDSHAKE && pendingInput != null
                        && pendingInput.remaining() >= MAX_HANDSHAKE_PENDING_INPUT)
                || outbound.controlBytes() > MAX_CONTROL_BYTES
                || isHoldingInput();
        boolean wantWrite = transport.hasPendingOutput()
                || ((!outbound.isEmpty() || file != null) && !transport.isHandshaking()
                        && writeInFlight == null);
        int ops = (readPaused ? 0 : SelectionKey.OP_READ) | (wantWrite ? SelectionKey.OP_WRITE : 0);
        if (transport.isStalled()) {
            ops = 0; // a TLS task runs off the loop; its resume action brings us back
        }
        if ((ops & SelectionKey.OP_READ) != 0 && !readAgainQueued
                && (transport.hasBufferedInput() || heldInput != null)) {
            readAgainQueued = true;
            loop.execute(readAgainTask);
        }
        if (ops != interestOps) {
            interestOps = ops;
            key.interestOps(ops);
            loop.selectorChanged();
        }
    }

    void closeFile() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing a served file failed", e);
            }
            file = null;
        }
    }
}
