package io.lws4j.internal.conn;

import io.lws4j.internal.deflate.PerMessageDeflate;
import io.lws4j.internal.frame.FrameReader;
import io.lws4j.Protocol;
import io.lws4j.Request;
import io.lws4j.internal.http.Endpoints;
import io.lws4j.internal.http.HandshakeResponses;
import io.lws4j.internal.http.HttpException;
import io.lws4j.internal.http.HttpRequest;
import io.lws4j.internal.http.HttpResponse;
import io.lws4j.internal.http.UpgradeDecision;
import io.lws4j.internal.http.UpgradeHandshake;
import java.util.List;
import io.lws4j.internal.loop.ServiceLoop;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The websocket upgrade: a server's checks, routing and handshake hook, its accepted
 * handshake, and a client's read of the server's response, each moving the connection to
 * OPEN.
 *
 * <p>Server order: a draining context refuses with 503 and {@code Retry-After}; the request
 * becomes a {@link Request} ({@link #requestOf}: the peer and
 * the client the trusted proxies name; malformed path or query, too many
 * parameters: 400; too many cookies: 431); its path picks the candidate protocols
 * ({@link Endpoints}: 404 when paths are bound and none matches); RFC 6455 checks, the
 * context's origin check, subprotocol and deflate negotiation ({@link UpgradeHandshake});
 * the protocol's same-origin requirement (403); then HANDSHAKE and
 * {@code Protocol.onHandshake}. Its decision ({@link PendingHandshake}) is applied at once
 * when made during the hook, else when the loop serves the posted completion; the handshake
 * timeout, restarted when the hook returns, answers 503 to a decision that never comes.
 *
 * <p>Service-thread confined; {@link #postDecision} is the one entry from other threads.
 */
abstract class UpgradePhase extends HandlerPhase {

    UpgradePhase(ServiceLoop loop, SocketChannel channel, ConnectionSettings settings,
            ClientRole client) {
        super(loop, channel, settings, client);
    }

    @Override
    void onUpgradeRequest(HttpRequest httpRequest, ByteBuffer buf) {
        if (settings.context().isDraining()) {
            buf.position(buf.limit());
            startResponse(HandshakeResponses.refusal(503,
                    "this server is draining; try another", List.of("Retry-After", "1")), buf);
            return;
        }
        Request req;
        try {
            req = requestOf(httpRequest);
        } catch (HttpException e) {
            refuseBeforeHook(UpgradeHandshake.reject(e.status(), e.getMessage()), "bad-request",
                    buf);
            return;
        }
        List<String> candidates = settings.config().endpoints().match(req.path(),
                settings.protocolNames());
        if (candidates == null) {
            refuseBeforeHook(UpgradeHandshake.reject(404, "no websocket endpoint at this path"),
                    "no-endpoint", buf);
            return;
        }
        UpgradeDecision decision = UpgradeHandshake.decide(httpRequest, candidates,
                settings.config().originCheck(), settings::isDeflateAllowed,
                params -> settings.zlib().admitInflater(!params.clientNoContextTakeover()));
        if (decision instanceof UpgradeDecision.Reject reject) {
            refuseBeforeHook(reject, reject.response().status() == 403 ? "origin"
                    : "bad-request", buf);
            return;
        }
        UpgradeDecision.Accept accept = (UpgradeDecision.Accept) decision;
        // the admission reserved the inflater of a client that takes over its context; the
        // close gives it back if the connection never opens
        inflaterReserved = accept.deflate() != null && !accept.deflate().clientNoContextTakeover();
        if (settings.config().endpoints().requiresSameOrigin(accept.protocolName())
                && !req.isSameOrigin()) {
            refuseBeforeHook(UpgradeHandshake.reject(403,
                    "this endpoint accepts only requests from its own origin"), "same-origin",
                    buf);
            return;
        }
        Protocol serving = settings.config().protocols().get(accept.protocolName());
        PendingHandshake pending = new PendingHandshake(req, this, accept,
                this::postDecision);
        request = req;
        handshake = pending;
        moveTo(ConnectionState.HANDSHAKE);
        try {
            serving.onHandshake(req, pending);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "Protocol.onHandshake threw for " + req
                    + "; refusing with 500", t);
            pending.complete(PendingHandshake.Outcome.REFUSED, 500, "internal error");
        }
        if (state != ConnectionState.HANDSHAKE || handshake != pending) {
            return; // the hook closed the connection (a context closing under it)
        }
        if (pending.hookReturned() == PendingHandshake.Outcome.UNDECIDED) {
            if (buf.hasRemaining()) {
                stashPendingInput(buf); // the client should wait for the 101; held, bounded
            }
            handshakeTimer = loop.schedule(handshakeTimeout(), this::onDecisionTimeout);
            updateInterest();
            return;
        }
        applyDecision(pending, buf);
    }

    /** An upgrade refused by lws4j's own checks, before any hook. */
    private void refuseBeforeHook(UpgradeDecision.Reject reject, String reason, ByteBuffer buf) {
        HttpResponse r = reject.response();
        tally.refused(remoteAddress, r.status(), reason);
        buf.position(buf.limit());
        startResponse(new HttpResponse(r.head(), r.bodyFile(), r.bodyLength(), false), buf);
    }

    /**
     * Any thread: a decision completed after its hook returned. Posted to the owning loop
     * ({@link ServiceLoop#execute}: what the completing thread did happens-before the
     * command); a stopped loop drops it, having closed the connection.
     */
    private void postDecision(PendingHandshake pending) {
        loop.execute(() -> {
            if (state == ConnectionState.HANDSHAKE && handshake == pending) {
                ByteBuffer held = pendingInput;
                pendingInput = null;
                applyDecision(pending, held == null ? ByteBuffer.allocate(0) : held);
                if (held != null && held.hasRemaining() && state == ConnectionState.OPEN) {
                    consume(held); // frames the client sent before our 101
                }
                updateInterest();
            }
        });
    }

    /** The handshake timeout ran out with the decision still open: 503. */
    private void onDecisionTimeout() {
        handshakeTimer = null;
        PendingHandshake pending = handshake;
        if (state != ConnectionState.HANDSHAKE || pending == null
                || !pending.close(PendingHandshake.Outcome.TIMED_OUT)) {
            return; // decided meanwhile: its posted completion applies it
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "no handshake decision in time: " + request);
        handshake = null;
        pendingInput = null;
        tally.refused(remoteAddress, 503, "timeout");
        startResponse(HandshakeResponses.refusal(503, "no decision in time; try again later",
                List.of()), ByteBuffer.allocate(0));
    }

    /**
     * Applies an accept or a refusal in HANDSHAKE; {@code buf} holds the input after the
     * request: the caller feeds it to the websocket after an accept; a refusal drops it.
     */
    private void applyDecision(PendingHandshake pending, ByteBuffer buf) {
        cancelHandshakeTimer();
        handshake = null;
        if (pending.outcome() == PendingHandshake.Outcome.ACCEPTED) {
            UpgradeDecision.Accept prepared = pending.preparedAccept();
            establish(new UpgradeDecision.Accept(pending.acceptResponse(),
                    prepared.protocolName(), prepared.deflate()));
            return; // the caller feeds what follows the request to the websocket
        }
        HttpResponse refusal = pending.refusal();
        tally.refused(remoteAddress, refusal.status(), "hook");
        buf.position(buf.limit());
        pendingInput = null;
        startResponse(refusal, buf);
    }

    void onClientResponseBytes(ByteBuffer buf) {
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
        frameReader.streaming(streamingReceive());
        moveTo(ConnectionState.OPEN);
        open = true;
        ConnectionRegistry.of(settings).add((ConnectionImpl) this);
        lastReceiveNanos = System.nanoTime();
        lastPingNanos = lastReceiveNanos;
        callOnEstablished();
        client.established(this);
        armLivenessTimer();
    }

    @Override
    void establish(UpgradeDecision.Accept accept) {
        String name = accept.protocolName();
        if (name == null || !settings.config().protocols().containsKey(name)) {
            name = settings.protocolNames().get(0);
        }
        protocol = settings.config().protocols().get(name);
        protocolName = name;
        parser = null;
        if (accept.deflate() != null) {
            deflate = PerMessageDeflate.create(accept.deflate(), true,
                    settings.compressionThreshold(name), settings.zlib(), inflaterReserved);
            inflaterReserved = false; // the inflater owns it now
        }
        frameReader = new FrameReader(this, settings.config().maxMessageSize(), true,
                deflate == null ? null : deflate.inflater());
        frameReader.streaming(streamingReceive());
        outbound.addFirst(accept.response()); // a ping written in onEstablished goes after it
        moveTo(ConnectionState.OPEN);
        open = true;
        ConnectionRegistry.of(settings).add((ConnectionImpl) this);
        lastReceiveNanos = System.nanoTime();
        lastPingNanos = lastReceiveNanos;
        requestFlush();
        callOnEstablished();
        armLivenessTimer();
    }

    /** Asks the protocol whether it streams; a failure means no (and is logged). */
    private boolean streamingReceive() {
        try {
            return protocol.streamingReceive();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Protocol.streamingReceive threw", e);
            return false;
        }
    }

    /** Runs the protocol's onEstablished; a failure closes the connection (callbackFailed). */
    private void callOnEstablished() {
        tally.opened(remoteAddress, protocolName, client != null);
        try {
            protocol.onEstablished(this);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            callbackFailed("onEstablished", t);
        }
    }
}
