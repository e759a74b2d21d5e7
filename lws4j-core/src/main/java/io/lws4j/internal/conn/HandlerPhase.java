package io.lws4j.internal.conn;

import io.lws4j.HttpHandler;
import io.lws4j.Request;
import io.lws4j.internal.http.ChunkedBodyDecoder;
import io.lws4j.internal.http.DynamicResponses;
import io.lws4j.internal.http.HttpException;
import io.lws4j.internal.http.HttpRequest;
import io.lws4j.internal.http.HttpResponse;
import io.lws4j.internal.http.HttpRoutes;
import io.lws4j.internal.http.StaticFiles;
import io.lws4j.internal.loop.ServiceLoop;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Dynamic HTTP (lws {@code LWS_CALLBACK_HTTP} on a callback mount): routes a non-upgrade
 * request to its {@link HttpHandler} or to the static mounts, reads a handler's request
 * body (bounded), calls the handler and applies its response, complete or streamed, as it
 * arrives from any thread.
 *
 * <p>Order for a non-upgrade request: when handlers are registered, the request becomes a
 * {@link Request} (bad percent-encoding or query: 400); a handler whose pattern matches the
 * decoded path takes it, else the static mounts do (a body there: 413). On a handler's path:
 * a method other than GET, HEAD or POST gets 405 with {@code Allow}; a POST with neither
 * {@code Content-Length} nor {@code Transfer-Encoding} gets 411; a {@code Content-Length}
 * above the bound gets 413 at once and the connection closes without reading the body.
 * A chunked body ({@code Transfer-Encoding: chunked}, HTTP/1.1, no {@code Content-Length}
 * beside it: else 400; another coding: 501) is decoded by {@link ChunkedBodyDecoder}, bounded
 * by the same limit (413 once a chunk size passes it), its trailer by the head limit (431),
 * malformed framing 400; each closes the connection.
 * A body is read in HTTP, under the request's timeout (the handshake timeout), after a
 * {@code 100 Continue} when the client asked for one; then HTTP_RESPONSE and the handler. An upgrade request never comes here.
 *
 * <p>The exchange ({@link HttpExchangeImpl}) delivers as {@link PendingHandshake} does: what
 * is completed during the handler is applied when it returns, later completions are posted
 * to the loop. A response not started within the handshake timeout after the handler
 * returned gets 503; a handler that throws before responding gets 500 (logged once), after
 * a stream started the connection closes. While the response is pending or streaming,
 * input is read and held (bounded) so that a client leaving closes the exchange at once.
 *
 * <p>Service-thread confined; {@link #postExchange} is the one entry from other threads.
 */
abstract class HandlerPhase extends HttpPhase {

    private static final String ALLOWED = "GET, HEAD, POST";
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1);

    /** Service thread only: the handler whose request body is being read, or null. */
    private HttpHandler bodyHandler;
    private Request bodyRequest;
    private HttpRequest bodyHead;
    private byte[] body;
    private int bodyFilled;
    /** Service thread only: the decoder of a chunked body being read, else null. */
    private ChunkedBodyDecoder chunkedBody;

    HandlerPhase(ServiceLoop loop, SocketChannel channel, ConnectionSettings settings,
            ClientRole client) {
        super(loop, channel, settings, client);
    }

    @Override
    void onPlainRequest(HttpRequest head, ByteBuffer buf) {
        assert loop.inServiceThread();
        HttpRoutes routes = settings.config().httpRoutes();
        if (routes.isEmpty()) {
            cancelHandshakeTimer();
            startResponse(settings.staticFiles().respond(head), buf);
            return;
        }
        Request req;
        try {
            req = requestOf(head);
        } catch (HttpException e) {
            refuse(e.status(), e.getMessage(), buf);
            return;
        }
        HttpHandler handler = routes.match(req.path());
        long length = head.announcedBodyLength();
        if (handler == null) {
            if (length == -1 || length > 0) {
                refuse(413, "request bodies are accepted only by handlers", buf);
                return;
            }
            cancelHandshakeTimer();
            startResponse(settings.staticFiles().respond(head), buf);
            return;
        }
        String method = head.method();
        if (!method.equals("GET") && !method.equals("HEAD") && !method.equals("POST")) {
            cancelHandshakeTimer();
            boolean keepAlive = head.isKeepAlive() && !head.announcesBody();
            buf.position(keepAlive ? buf.position() : buf.limit());
            startResponse(new HttpResponse(DynamicResponses.complete(405,
                    "text/plain; charset=utf-8", List.of("Allow", ALLOWED),
                    ("method " + method + " is not allowed here\n")
                            .getBytes(StandardCharsets.ISO_8859_1), true, keepAlive),
                    null, 0, keepAlive), buf);
            return;
        }
        if (length == -2 && method.equals("POST")) {
            refuse(411, "a request body needs a Content-Length or chunked framing", buf);
            return;
        }
        if (length == -1) {
            try {
                ChunkedBodyDecoder.checkFraming(head);
            } catch (HttpException e) {
                refuse(e.status(), e.getMessage(), buf);
                return;
            }
        }
        if (length > routes.maxBodyBytes()) {
            refuse(413, "the request body exceeds " + routes.maxBodyBytes() + " bytes", buf);
            return;
        }
        if (length != 0 && head.isHttp11OrLater()
                && head.headers().containsToken("Expect", "100-continue")) {
            // the client waits for this before sending the body (RFC 9110 10.1.1)
            outbound.addData(ByteBuffer.wrap(CONTINUE.clone()));
            requestFlush();
        }
        bodyHandler = handler;
        bodyRequest = req;
        bodyHead = head;
        body = new byte[(int) Math.max(0, length)];
        bodyFilled = 0;
        chunkedBody = length == -1 ? new ChunkedBodyDecoder(routes.maxBodyBytes(),
                settings.config().maxHttpHeadBytes()) : null;
        onBodyBytes(buf);
    }

    /** An error that ends the connection: what follows in {@code buf} is dropped. */
    private void refuse(int status, String message, ByteBuffer buf) {
        cancelHandshakeTimer();
        buf.position(buf.limit());
        startResponse(StaticFiles.error(status, message, false), buf);
    }

    @Override
    boolean readingBody() {
        return bodyHandler != null;
    }

    @Override
    void onBodyBytes(ByteBuffer buf) {
        if (chunkedBody != null) {
            try {
                if (!chunkedBody.feed(buf)) {
                    return;
                }
            } catch (HttpException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "bad chunked body from "
                        + remoteAddress + ": " + e.status() + " " + e.getMessage());
                bodyHandler = null;
                bodyRequest = null;
                bodyHead = null;
                body = null;
                chunkedBody = null;
                refuse(e.status(), e.getMessage(), buf);
                return;
            }
            body = chunkedBody.body();
            chunkedBody = null;
        } else {
            int n = Math.min(buf.remaining(), body.length - bodyFilled);
            buf.get(body, bodyFilled, n);
            bodyFilled += n;
            if (bodyFilled < body.length) {
                return;
            }
        }
        HttpHandler handler = bodyHandler;
        bodyHandler = null;
        cancelHandshakeTimer();
        dispatch(handler, bodyRequest, bodyHead, body, buf);
        bodyRequest = null;
        bodyHead = null;
        body = null;
    }

    private void dispatch(HttpHandler handler, Request req, HttpRequest head, byte[] content,
            ByteBuffer buf) {
        assert loop.inServiceThread() && exchange == null;
        moveTo(ConnectionState.HTTP_RESPONSE);
        if (buf.hasRemaining()) {
            stashPendingInput(buf); // a pipelined request: served after this response
            buf.position(buf.limit());
        }
        HttpExchangeImpl ex = new HttpExchangeImpl(content, head.method().equals("HEAD"),
                head.isHttp11OrLater(), head.isKeepAlive(), settings.config().maxOutboundBytes(),
                this::postExchange);
        exchange = ex;
        request = req;
        try {
            handler.handle(req, ex);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            if (exchange != ex) {
                LOG.log(System.Logger.Level.WARNING, "HttpHandler threw for " + req, t);
                return; // and closed the connection under it
            }
            HttpExchangeImpl.Phase phase = ex.phase();
            if (phase == HttpExchangeImpl.Phase.PENDING
                    || phase == HttpExchangeImpl.Phase.STREAMING) {
                LOG.log(System.Logger.Level.WARNING, "HttpHandler threw for " + req + "; "
                        + (phase == HttpExchangeImpl.Phase.PENDING ? "answering 500"
                                : "closing its streamed response"), t);
                failExchange(ex, 500, "internal error");
                return;
            }
            // the response was given in full before the throw: it still goes out
            LOG.log(System.Logger.Level.WARNING, "HttpHandler threw for " + req
                    + " after its response", t);
        }
        if (exchange != ex || state != ConnectionState.HTTP_RESPONSE) {
            return; // the connection closed under the handler
        }
        if (ex.handlerReturned()) {
            applyActions(ex);
        } else {
            handshakeTimer = loop.schedule(handshakeTimeout(), () -> onResponseTimeout(ex));
        }
        updateInterest();
    }

    /**
     * Any thread: an exchange completed after its handler returned. Posted to the owning
     * loop ({@link ServiceLoop#execute}: what the completing thread did happens-before the
     * command); a stopped loop drops it, having closed the connection.
     */
    private void postExchange(HttpExchangeImpl ex) {
        loop.execute(() -> {
            if (exchange == ex && state == ConnectionState.HTTP_RESPONSE) {
                applyActions(ex);
                updateInterest();
            }
        });
    }

    /** Queues what the exchange recorded, in order. */
    private void applyActions(HttpExchangeImpl ex) {
        assert loop.inServiceThread() && exchange == ex;
        for (HttpExchangeImpl.Action a : ex.takeActions()) {
            switch (a.kind()) {
                case COMPLETE, HEAD -> {
                    cancelHandshakeTimer();
                    keepAliveAfterResponse = a.keepAlive();
                    outbound.addData(a.bytes());
                    if (a.kind() == HttpExchangeImpl.Kind.COMPLETE) {
                        ex.lastApplied();
                    }
                }
                case CHUNK -> {
                    outbound.addData(a.bytes());
                    ex.chunkQueued(outbound.dataBytes() <= lowWaterMark());
                }
                case END -> {
                    keepAliveAfterResponse = a.keepAlive();
                    if (a.bytes().hasRemaining()) {
                        outbound.addData(a.bytes());
                    }
                    ex.lastApplied();
                }
            }
        }
        requestFlush();
    }

    /** No response within the timeout after the handler returned: 503, then close. */
    private void onResponseTimeout(HttpExchangeImpl ex) {
        handshakeTimer = null;
        if (exchange == ex && state == ConnectionState.HTTP_RESPONSE && ex.isPending()) {
            LOG.log(System.Logger.Level.DEBUG, () -> "no response in time: " + request);
            failExchange(ex, 503, "no response in time; try again later");
        }
    }

    /**
     * Closes the exchange; when nothing was sent yet the client gets {@code status} and the
     * connection closes after it, else the connection closes at once (a truncated body).
     */
    private void failExchange(HttpExchangeImpl ex, int status, String message) {
        boolean nothingSent = ex.close() && outbound.isEmpty();
        ex.release();
        exchange = null;
        cancelHandshakeTimer();
        if (!nothingSent) {
            closeTransport();
            return;
        }
        pendingInput = null;
        keepAliveAfterResponse = false;
        outbound.addData(StaticFiles.error(status, message, false).head());
        requestFlush();
        updateInterest();
    }

    /** The queue drained in HTTP_RESPONSE: the response is written, or a writer may go on. */
    @Override
    void finishResponse() {
        HttpExchangeImpl ex = exchange;
        if (ex != null) {
            if (!ex.isLastApplied()) {
                ex.writeDrained();
                updateInterest();
                return; // pending, or streaming: the next write or the end comes later
            }
            ex.release();
            exchange = null;
        }
        super.finishResponse();
    }
}
