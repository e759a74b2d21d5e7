package io.lws4j.client;

import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.internal.client.ClientConnector;
import io.lws4j.internal.loop.ContextImpl;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Opens websocket client connections (libwebsockets' {@code lws_client_connect_via_info}).
 * A client connection lives on a service loop of the given context, like an accepted one:
 * the {@link ClientOptions#protocol() protocol}'s callbacks run on that service thread,
 * {@link Connection}'s methods behave the same (frames are masked, as RFC 6455 requires of
 * clients), and the threadpool works on it. Any context will do; one built with
 * {@link Context.Builder#noListener()} hosts clients only. Closing the context closes its
 * client connections too (with {@link io.lws4j.CloseCodes#GOING_AWAY}). The protocol of a
 * client connection is not registered with the context: its {@link io.lws4j.Protocol#onInit}
 * and {@link io.lws4j.Protocol#onDestroy} are not called. Client connections offer
 * permessage-deflate unless {@link ClientOptions.Builder#permessageDeflate(boolean)} turns it
 * off (the context's and the protocol's deflate switches are server-side only).
 *
 * <pre>{@code
 * try (Context ctx = Context.builder().noListener().build()) {
 *     Connection c = WebSocketClient.connect(ctx,
 *             ClientOptions.builder(URI.create("wss://example.com/chat"), myProtocol)
 *                     .subprotocols("chat").build())
 *         .get(15, TimeUnit.SECONDS);
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
public final class WebSocketClient {
    private WebSocketClient() {
    }

    /**
     * Starts connecting; never blocks (the host name lookup runs on a library thread).
     *
     * <p>The future completes exactly once: with the connection, after
     * {@link io.lws4j.Protocol#onEstablished} returned; or exceptionally with a
     * {@link WebSocketConnectException} whose {@link WebSocketConnectException#reason()}
     * tells what failed (name lookup, TCP connect, timeout, TLS, a status other than 101, an
     * invalid 101, a close before the handshake, a closed context). No protocol callback
     * runs for a connection that failed to connect. The future completes on a service
     * thread or a library thread: dependent actions that block must use the {@code *Async}
     * methods of {@link CompletableFuture}.
     *
     * <p>Cancelling the future aborts the attempt: while the lookup, the TCP connect or the
     * handshake runs, the socket is closed and no protocol callback runs; when the handshake
     * completes at the same moment, {@link io.lws4j.Protocol#onEstablished} may already have
     * run, and the connection is then closed with {@link io.lws4j.CloseCodes#GOING_AWAY}
     * ({@code onClosed} follows). Either way no connection is left open that the caller cannot
     * reach.
     *
     * <p>Memory consistency effects: actions before {@code connect} happen-before the
     * protocol's callbacks on the new connection.
     *
     * @param context a context of this library, not closed
     * @param options where and how to connect
     * @return the future connection
     * @throws IllegalArgumentException when the context was not built by {@link Context#builder()}
     */
    public static CompletableFuture<Connection> connect(Context context, ClientOptions options) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(options, "options");
        if (!(context instanceof ContextImpl impl)) {
            throw new IllegalArgumentException("not a context built by Context.builder(): "
                    + context.getClass().getName());
        }
        return ClientConnector.connect(impl, options);
    }
}
