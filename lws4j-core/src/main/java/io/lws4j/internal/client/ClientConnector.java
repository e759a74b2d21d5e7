package io.lws4j.internal.client;

import io.lws4j.Connection;
import io.lws4j.client.ClientOptions;
import io.lws4j.client.WebSocketConnectException;
import io.lws4j.client.WebSocketConnectException.Reason;
import io.lws4j.internal.conn.ConnectionImpl;
import io.lws4j.internal.conn.ConnectionSettings;
import io.lws4j.internal.conn.ConnectionState;
import io.lws4j.internal.conn.Transport;
import io.lws4j.internal.loop.ContextImpl;
import io.lws4j.internal.loop.Selectable;
import io.lws4j.internal.loop.ServiceLoop;
import io.lws4j.internal.loop.Timer;
import io.lws4j.internal.tls.OffLoopExecutor;
import io.lws4j.internal.tls.TlsEngines;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * Opens one client connection up to the TCP connect: the host name lookup and, for wss, the
 * start of the TLS engine (both off the loop, on {@link OffLoopExecutor}: the engine builds
 * its ClientHello and key shares inside {@code beginHandshake}, work too long to run on a
 * service loop that serves other connections), the non-blocking connect on the chosen
 * service loop, the connect timeout; then hands the channel, its key and the engine to
 * {@link ConnectionImpl#startClient}, which does the TLS and websocket handshakes.
 *
 * <p>States (int, service thread): {@code RESOLVING -> CONNECTING -> HANDED_OVER}, and
 * {@code RESOLVING|CONNECTING -> FAILED}; HANDED_OVER and FAILED are absorbing. Every path
 * completes the future exactly once: FAILED here, or later by the connection.
 *
 * <p>Cancelling the future aborts the attempt: a command on the loop fails it while
 * resolving or connecting, or aborts the handed-over connection while its handshake is
 * still running (no protocol callback has run then). A handshake that completes first
 * finds the future cancelled and closes the connection with 1001 ({@link ClientHandshake}).
 *
 * <p>Service-thread confined: all methods must be called on the owning service thread,
 * except {@link #connect}, which may be called from any thread.
 */
public final class ClientConnector implements Selectable {
    private static final int RESOLVING = 0;
    private static final int CONNECTING = 1;
    private static final int HANDED_OVER = 2;
    private static final int FAILED = 3;

    private final ServiceLoop loop;
    private final ConnectionSettings settings;
    private final ClientOptions options;
    private final ClientHandshake handshake;
    private final SSLContext ssl;
    private int state = RESOLVING;
    private SocketChannel channel;
    private SelectionKey key;
    /** The started client engine for wss, made off the loop and handed over with open(). */
    private SSLEngine tlsEngine;
    private Timer connectTimer;
    /** The connection after HANDED_OVER. */
    private ConnectionImpl connection;

    private ClientConnector(ServiceLoop loop, ConnectionSettings settings, ClientOptions options,
            ClientHandshake handshake, SSLContext ssl) {
        this.loop = loop;
        this.settings = settings;
        this.options = options;
        this.handshake = handshake;
        this.ssl = ssl;
    }

    /**
     * Starts connecting. Thread-safe.
     *
     * <p>Memory consistency effects: actions before {@code connect} happen-before the
     * protocol's callbacks on the new connection.
     *
     * @param context the context whose loop serves the connection
     * @param options the options
     * @return the future of the established connection
     */
    public static CompletableFuture<Connection> connect(ContextImpl context, ClientOptions options) {
        CompletableFuture<Connection> future = new CompletableFuture<>();
        ServiceLoop loop = context.nextClientLoop();
        ConnectionSettings settings = context.settings(loop);
        ClientHandshake handshake = new ClientHandshake(options, future,
                settings.config().maxHttpHeadBytes());
        if (context.isClosed()) {
            handshake.fail(contextClosed());
            return future;
        }
        SSLContext ssl = null;
        if (options.isSecure()) {
            try {
                ssl = options.sslContext() != null ? options.sslContext() : SSLContext.getDefault();
            } catch (NoSuchAlgorithmException e) {
                handshake.fail(new WebSocketConnectException(Reason.TLS_FAILED,
                        "no default TLS context: " + e.getMessage(), 0, e));
                return future;
            }
        }
        ClientConnector c = new ClientConnector(loop, settings, options, handshake, ssl);
        if (!loop.execute(c::start)) {
            handshake.fail(contextClosed());
            return future;
        }
        future.whenComplete((ignored, failure) -> {
            if (future.isCancelled()) {
                loop.execute(c::cancel); // false: the loop stopped and took the attempt with it
            }
        });
        return future;
    }

    /** @return the host without the brackets of an IPv6 literal */
    private static String bareHost(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1)
                : host;
    }

    private static WebSocketConnectException contextClosed() {
        return new WebSocketConnectException(Reason.CONTEXT_CLOSED, "the context is closed", 0,
                null);
    }

    private void start() {
        assert loop.inServiceThread();
        connectTimer = loop.schedule(options.connectTimeout(), this::onConnectTimeout);
        String host = options.uri().getHost();
        String bare = bareHost(host);
        try {
            OffLoopExecutor.get().execute(() -> resolve(bare));
        } catch (RejectedExecutionException e) {
            fail(new WebSocketConnectException(Reason.UNRESOLVED_HOST,
                    "cannot look up " + host + ": " + e, 0, e));
        }
    }

    /** Runs on the off-loop executor: the lookup may block. */
    private void resolve(String host) {
        Runnable next;
        try {
            InetAddress address = InetAddress.getByName(host);
            next = startTls(host, address);
        } catch (UnknownHostException e) {
            next = () -> fail(new WebSocketConnectException(Reason.UNRESOLVED_HOST,
                    "unknown host: " + host, 0, e));
        } catch (RuntimeException e) {
            next = () -> fail(new WebSocketConnectException(Reason.UNRESOLVED_HOST,
                    "cannot look up " + host + ": " + e, 0, e));
        }
        if (!loop.execute(next)) {
            handshake.fail(contextClosed());
        }
    }

    /**
     * Runs on the off-loop executor, after the lookup: starts the client engine for wss (its
     * ClientHello is built here). The loop.execute of the returned step is the engine's
     * hand-off to the service thread.
     *
     * @return the next step, for the loop
     */
    private Runnable startTls(String host, InetAddress address) {
        if (ssl == null) {
            return () -> open(address, null);
        }
        try {
            SSLEngine engine = TlsEngines.startClientEngine(ssl, host, options.port());
            return () -> open(address, engine);
        } catch (IOException | RuntimeException e) {
            return () -> fail(new WebSocketConnectException(Reason.TLS_FAILED,
                    "cannot start TLS with " + host + ": " + e.getMessage(), 0, e));
        }
    }

    private void open(InetAddress address, SSLEngine engine) {
        assert loop.inServiceThread();
        if (state != RESOLVING) {
            return; // timed out or cancelled meanwhile: the engine sent nothing, drop it
        }
        state = CONNECTING;
        tlsEngine = engine;
        InetSocketAddress target = new InetSocketAddress(address, options.port());
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            key = loop.register(channel, SelectionKey.OP_CONNECT, this);
            if (channel.connect(target)) {
                connected();
            }
        } catch (IOException e) {
            fail(connectFailed(e));
        }
    }

    private WebSocketConnectException connectFailed(IOException e) {
        return new WebSocketConnectException(Reason.CONNECT_FAILED, "cannot connect to "
                + options.uri().getHost() + ":" + options.port() + ": " + e, 0, e);
    }

    @Override
    public void onReady(int readyOps) {
        assert loop.inServiceThread();
        if (state != CONNECTING || (readyOps & SelectionKey.OP_CONNECT) == 0) {
            return;
        }
        try {
            if (channel.finishConnect()) {
                connected();
            }
        } catch (IOException e) {
            fail(connectFailed(e));
        }
    }

    private void connected() {
        state = HANDED_OVER;
        connectTimer.cancel();
        Function<Runnable, Transport> tls = null;
        if (tlsEngine != null) {
            SSLEngine engine = tlsEngine;
            tls = resume -> TlsEngines.clientTransport(engine, channel, loop, resume);
        }
        connection = ConnectionImpl.startClient(loop, channel, key, settings, handshake, tls);
    }

    /** The user cancelled the future: stop whatever step the attempt is in. */
    private void cancel() {
        assert loop.inServiceThread();
        if (state == HANDED_OVER) {
            if (connection != null && connection.state() == ConnectionState.HTTP) {
                connection.abort(); // still in the handshake: no callback has run
            }
            return;
        }
        fail(new WebSocketConnectException(Reason.CLOSED, "connect cancelled", 0, null));
    }

    private void onConnectTimeout() {
        if (state == RESOLVING || state == CONNECTING) {
            fail(new WebSocketConnectException(Reason.TIMEOUT, "no connection to "
                    + options.uri().getHost() + ":" + options.port() + " within "
                    + options.connectTimeout().toMillis() + " ms", 0, null));
        }
    }

    private void fail(WebSocketConnectException e) {
        if (state == HANDED_OVER || state == FAILED) {
            return;
        }
        state = FAILED;
        if (connectTimer != null) {
            connectTimer.cancel();
        }
        if (key != null) {
            key.cancel();
        }
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the attempt failed already; nothing more to report
            }
        }
        handshake.fail(e);
    }

    @Override
    public void onFailure(Throwable failure) {
        fail(new WebSocketConnectException(Reason.CONNECT_FAILED, "connect failed: " + failure,
                0, failure));
    }

    @Override
    public void abort() {
        fail(contextClosed());
    }
}
