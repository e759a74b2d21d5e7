package io.lws4j.internal.conn;

import io.lws4j.CloseCodes;
import io.lws4j.Protocol;
import io.lws4j.internal.deflate.PerMessageDeflate;
import io.lws4j.internal.frame.FrameWriter;
import io.lws4j.internal.loop.ServiceLoop;
import io.lws4j.internal.loop.Timer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;

/**
 * Closing a connection: the close handshake, failures, the lingering close, the single way
 * to CLOSED, and the connection's timers (handshake, user, close, liveness, linger).
 *
 * <p>Service-thread confined.
 */
abstract class ConnectionClosing extends ConnectionOutput {

    ConnectionClosing(ServiceLoop loop, SocketChannel channel, ConnectionSettings settings,
            ClientRole client) {
        super(loop, channel, settings, client);
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

    // ---------------------------------------------------------------- closing

    void startClose(int code, String reason) {
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
    void fail(int code, String reason) {
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
            case HTTP, HANDSHAKE, HTTP_RESPONSE, CLOSE_FLUSH, LINGER -> closeTransport();
            case CLOSED -> {
                // done already
            }
        }
    }

    @Override
    void callbackFailed(String callback, Throwable t) {
        LOG.log(System.Logger.Level.WARNING, "Protocol." + callback + " threw on connection "
                + remoteAddress + "; closing it with 1011", t);
        fail(CloseCodes.INTERNAL_ERROR, "internal error");
    }

    /**
     * Our last bytes are flushed: half-close and drain the peer's input; see the overview.
     * From CLOSE_FLUSH, or from HTTP_RESPONSE after a response that ends the connection.
     */
    @Override
    void finishOutput() {
        if (inputEnded) {
            closeTransport(); // nothing left to drain: a plain close sends a FIN
        } else {
            startLinger();
        }
    }

    void startLinger() {
        assert loop.inServiceThread();
        // RFC 6455 7.1.1: the server closes the TCP connection first; a client sends no FIN
        // of its own but waits for the server's end of stream (bounded by the linger timeout).
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
        heldInput = null;
        writableRequested = false;
        releaseDeflate(); // lingering input is dropped unparsed
        lingerTimer = loop.schedule(settings.config().lingerTimeout(), this::onLingerTimeout);
        updateInterest();
        // Count as lingering only after onClosed: ContextImpl.close() waits for the
        // non-lingering count to reach zero before onDestroy, so counting first could let
        // onDestroy overtake this connection's onClosed.
        try {
            sends.closed();
            notifyClosed();
        } finally {
            loop.addLingering(1);
        }
    }

    void onLingerTimeout() {
        lingerTimer = null;
        if (state == ConnectionState.LINGER) {
            LOG.log(System.Logger.Level.DEBUG, () -> "linger timeout: " + remoteAddress);
            closeTransport();
        }
    }

    /** The only way to CLOSED; see the overview for the ordering. */
    @Override
    void closeTransport() {
        assert loop.inServiceThread();
        if (state == ConnectionState.CLOSED) {
            return;
        }
        boolean lingering = state == ConnectionState.LINGER;
        moveTo(ConnectionState.CLOSED);
        abandonHandshake();
        abandonExchange();
        if (writeInFlight == null) {
            outbound.releaseFrames(); // else the write's completion does it
        }
        open = false;
        cancelTimers();
        closeFile();
        pendingInput = null;
        heldInput = null;
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
            sends.closed();
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
    void releaseDeflate() {
        if (deflate != null) {
            deflate.release();
        }
        if (inflaterReserved) {
            inflaterReserved = false; // refused, or closed before it opened
            settings.zlib().releaseInflaterReservation();
        }
    }

    /**
     * Close hooks, then onError when the transport failed, then onClosed: once. The hooks run
     * for every connection, also one that never opened (a pool task bound during its handshake
     * through {@code HandshakeDecision.connection()} is stopped and cleaned); onError and
     * onClosed only for an established connection.
     */
    void notifyClosed() {
        closeHooks.runOnce(); // idempotent
        if (frameReader == null || closedNotified) {
            return;
        }
        closedNotified = true;
        ConnectionRegistry.of(settings).remove(this);
        int code = closeCode == 0 ? CloseCodes.ABNORMAL : closeCode;
        tally.closed(remoteAddress, protocolName, code, closeReason);
        if (transportFailure != null) {
            try {
                protocol.onError(this, transportFailure);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.WARNING, "Protocol.onError threw", t);
            }
        }
        try {
            protocol.onClosed(this, code, closeReason);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "Protocol.onClosed threw", t);
        }
    }

    // ---------------------------------------------------------------- timers

    void armHandshakeTimer() {
        handshakeTimer = loop.schedule(handshakeTimeout(), () -> {
            if (state == ConnectionState.HTTP) {
                LOG.log(System.Logger.Level.DEBUG, () -> "handshake timeout: " + remoteAddress);
                transportFailure = new java.net.SocketTimeoutException("no websocket handshake within "
                        + handshakeTimeout().toMillis() + " ms");
                closeTransport();
            }
        });
    }

    void cancelHandshakeTimer() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel();
            handshakeTimer = null;
        }
    }

    /*
     * The HTTP send timeout: while bytes of a response wait (sendWaiting), the clock runs from
     * the last write that made progress (sendProgressNanos); a write that leaves bytes
     * waiting after none did starts it. One timer at a time checks it and re-arms itself for
     * the remaining time; it dies when the connection leaves HTTP_RESPONSE or nothing waits,
     * and the next stalled write arms a new one. Expiry closes the transport: a streamed
     * response's writer sees its stage fail, a static file is closed.
     */
    @Override
    void noteResponseWrite(boolean progressed, boolean drained) {
        assert loop.inServiceThread();
        if (drained) {
            sendWaiting = false;
            return;
        }
        if (progressed || !sendWaiting) {
            sendWaiting = true;
            sendProgressNanos = System.nanoTime();
        }
        if (sendTimer == null) {
            sendTimer = loop.schedule(sendTimeout(), this::onSendTimer);
        }
    }

    private Duration sendTimeout() {
        return settings.config().httpLimits().sendTimeout();
    }

    private void onSendTimer() {
        sendTimer = null;
        if (state != ConnectionState.HTTP_RESPONSE || !sendWaiting) {
            return;
        }
        long timeout = sendTimeout().toNanos();
        long left = sendProgressNanos + timeout - System.nanoTime();
        if (left > 0) {
            sendTimer = loop.schedule(Duration.ofNanos(left), this::onSendTimer);
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "HTTP send timeout: " + remoteAddress
                + " took no byte of the response for " + sendTimeout().toMillis() + " ms");
        transportFailure = new java.net.SocketTimeoutException("the peer took no byte of the "
                + "response for " + sendTimeout().toMillis() + " ms");
        closeTransport();
    }

    void armCloseTimer() {
        if (closeTimer == null) {
            closeTimer = loop.schedule(CLOSE_TIMEOUT, this::closeTransport);
        }
    }

    void onUserTimeout() {
        userTimer = null;
        switch (state) {
            case OPEN -> startClose(CloseCodes.POLICY_VIOLATION, "timeout");
            case HTTP, HANDSHAKE, HTTP_RESPONSE -> closeTransport();
            case CLOSE_SENT, CLOSE_FLUSH, LINGER, CLOSED -> {
                // the close and linger timers bound these already
            }
        }
    }

    void armLivenessTimer() {
        if (livenessTimer != null) {
            // one chain of checks only: an override in onEstablished armed one already
            livenessTimer.cancel();
            livenessTimer = null;
        }
        if (!liveness.isEnabled() || state != ConnectionState.OPEN) {
            return;
        }
        long next = liveness.nextCheck(lastReceiveNanos, lastPingNanos);
        long delay = Math.max(0, next - System.nanoTime());
        livenessTimer = loop.schedule(Duration.ofNanos(delay), this::onLivenessTimer);
    }

    void onLivenessTimer() {
        livenessTimer = null;
        if (state != ConnectionState.OPEN) {
            return;
        }
        long now = System.nanoTime();
        switch (liveness.check(now, lastReceiveNanos, lastPingNanos)) {
            case IDLE_CLOSE -> {
                startClose(CloseCodes.GOING_AWAY, "idle timeout");
                return;
            }
            case PING -> {
                ByteBuffer empty = ByteBuffer.allocate(0);
                outbound.addControl(frames.frame(FrameWriter.OP_PING, empty));
                pings.sent(empty, now);
                lastPingNanos = now;
                requestFlush();
            }
            case NOTHING -> {
                // woke early (a later receive moved the deadline): look again
            }
        }
        armLivenessTimer();
    }

    /**
     * A connection's own idle timeout or ping interval replaces the current one; the next
     * check is computed afresh from the last receive and ping.
     */
    void overrideLiveness(Liveness next) {
        liveness = next;
        armLivenessTimer();
    }

    void cancelTimers() {
        cancelHandshakeTimer();
        for (Timer t : new Timer[] {userTimer, closeTimer, livenessTimer, lingerTimer, sendTimer}) {
            if (t != null) {
                t.cancel();
            }
        }
        userTimer = null;
        closeTimer = null;
        livenessTimer = null;
        lingerTimer = null;
        sendTimer = null;
    }
}
