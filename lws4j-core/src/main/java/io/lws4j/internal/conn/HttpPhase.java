package io.lws4j.internal.conn;

import io.lws4j.internal.http.HttpException;
import io.lws4j.internal.http.HttpRequest;
import io.lws4j.internal.http.HttpResponse;
import io.lws4j.internal.http.StaticFiles;
import io.lws4j.internal.http.UpgradeHandshake;
import io.lws4j.internal.loop.ServiceLoop;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The HTTP phase of a server connection: reading request heads and writing responses
 * (static files, errors, refused upgrades) until an upgrade or the end of the connection.
 *
 * <p>Service-thread confined.
 */
abstract class HttpPhase extends ConnectionClosing {

    HttpPhase(ServiceLoop loop, SocketChannel channel, ConnectionSettings settings,
            ClientRole client) {
        super(loop, channel, settings, client);
    }

    void stashPendingInput(ByteBuffer buf) {
        int have = pendingInput == null ? 0 : pendingInput.remaining();
        ByteBuffer merged = ByteBuffer.allocate(have + buf.remaining());
        if (pendingInput != null) {
            merged.put(pendingInput);
        }
        merged.put(buf).flip();
        pendingInput = merged;
    }

    // ---------------------------------------------------------------- HTTP

    void onHttpBytes(ByteBuffer buf) {
        if (readingBody()) {
            onBodyBytes(buf);
            return;
        }
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
        if (!UpgradeHandshake.isUpgradeRequest(request)) {
            onPlainRequest(request, buf); // a handler's body may still come: timer runs
            return;
        }
        cancelHandshakeTimer();
        if (request.announcesBody()) {
            startResponse(StaticFiles.error(413, "an upgrade request has no body", false), buf);
            return;
        }
        onUpgradeRequest(request, buf);
    }

    void startResponse(HttpResponse response, ByteBuffer leftover) {
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
    @Override
    void finishResponse() {
        closeFile();
        if (!keepAliveAfterResponse || settings.context().isDraining()) {
            // a draining context keeps no connection for a next request
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
}
