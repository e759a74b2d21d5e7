package io.lws4j.internal.conn;

import io.lws4j.internal.deflate.MessageDeflater;
import io.lws4j.internal.deflate.PerMessageDeflate;
import io.lws4j.internal.frame.FrameReader;
import io.lws4j.internal.http.UpgradeDecision;
import io.lws4j.internal.loop.ServiceLoop;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The websocket upgrade: a server's accepted handshake and a client's read of the server's
 * response, each moving the connection to OPEN.
 *
 * <p>Service-thread confined.
 */
abstract class UpgradePhase extends HttpPhase {

    UpgradePhase(ServiceLoop loop, SocketChannel channel, ConnectionSettings settings,
            ClientRole client) {
        super(loop, channel, settings, client);
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
            deflate = PerMessageDeflate.create(client.deflateParams(), false,
                    MessageDeflater.DEFAULT_MIN_COMPRESS_BYTES);
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
                    MessageDeflater.DEFAULT_MIN_COMPRESS_BYTES);
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
}
