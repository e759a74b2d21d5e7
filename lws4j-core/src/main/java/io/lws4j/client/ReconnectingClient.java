package io.lws4j.client;

import io.lws4j.Cancellable;
import io.lws4j.CloseCodes;
import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.HandshakeDecision;
import io.lws4j.Protocol;
import io.lws4j.Request;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A client connection that comes back: whenever it closes, for any reason but
 * {@link #close()}, or an attempt to open it fails (no route, refused, a 503 from a
 * draining server), it is opened again after the {@link ReconnectPolicy}'s backoff, until
 * the policy gives up or the context closes. Each connection is a new {@link Connection}
 * served by the same protocol, which sees the usual {@code onEstablished} ...
 * {@code onClosed} for each; state that must survive a reconnect (a room to rejoin, the
 * last message seen) belongs in the protocol or the {@link Listener}, not in the
 * connection's user data.
 *
 * <pre>{@code
 * ReconnectingClient client = ReconnectingClient.start(ctx,
 *         ClientOptions.builder(URI.create("ws://lb.example/chat/lobby"), chat).build(),
 *         ReconnectPolicy.builder().maxElapsed(Duration.ofMinutes(2)).build(),
 *         new ReconnectingClient.Listener() {
 *             public void onConnected(Connection c, boolean reconnect) {
 *                 if (reconnect) c.writeText("{\"resume\":true}");
 *             }
 *         });
 * ...
 * client.close();
 * }</pre>
 *
 * <p>Messages are not queued across a reconnect: a write to a closed connection fails as
 * usual, and what the server sent while no connection was open is lost unless the
 * application asks for it again on reconnect.
 *
 * <p>Thread-safe: any method may be called from any thread. The protocol's callbacks and
 * {@link Listener#onConnected} run on the connection's service thread; the other listener
 * callbacks on a service thread or a library thread. None runs with a lock held.
 * Happens-before: a connection's {@code onClosed} happens-before the next attempt starts;
 * a failed attempt's failure happens-before the retry.
 */
public final class ReconnectingClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ReconnectingClient.class.getName());

    /**
     * What a {@link ReconnectingClient} tells its owner. Every method has a no-op default.
     */
    public interface Listener {
        /**
         * A connection is open; called on its service thread after the protocol's
         * {@code onEstablished}.
         *
         * @param connection the new connection
         * @param reconnect false for the first connection, true for every later one
         */
        default void onConnected(Connection connection, boolean reconnect) {
        }

        /**
         * A retry is scheduled.
         *
         * @param attempt its number within the outage, from 1
         * @param delay how long it waits first
         * @param cause why the last attempt failed, null when an open connection closed
         */
        default void onRetry(int attempt, Duration delay, Throwable cause) {
        }

        /**
         * The policy gave up (or the context closed); no further attempt is made.
         *
         * @param lastFailure the last attempt's failure, null when an open connection
         *     closed and no retry was allowed
         */
        default void onGaveUp(Throwable lastFailure) {
        }
    }

    private final Context context;
    private final ClientOptions options;
    private final ReconnectPolicy policy;
    private final Listener listener;
    private final Object lock = new Object();
    /** Guarded by lock. */
    private boolean closed;
    /** Guarded by lock: the open connection, null between connections. */
    private Connection current;
    /** Guarded by lock: the attempt in flight, null when none. */
    private CompletableFuture<Connection> connecting;
    /** Guarded by lock: the scheduled retry, null when none. */
    private Cancellable retry;
    /** Guarded by lock: retries in the current outage. */
    private int attempt;
    /** Guarded by lock: when the current outage began. */
    private long outageStartNanos;
    /** Guarded by lock: whether a connection was ever open. */
    private boolean everConnected;

    private ReconnectingClient(Context context, ClientOptions options, ReconnectPolicy policy,
            Listener listener) {
        this.context = context;
        this.policy = policy;
        this.listener = listener;
        this.options = options.withProtocol(new Forwarding(options.protocol()));
    }

    /**
     * Starts connecting, at once, and returns.
     *
     * @param context a context of this library, not closed
     * @param options where and how to connect; its protocol serves every connection
     * @param policy when to try again
     * @param listener told of connections, retries and giving up
     * @return the client
     */
    public static ReconnectingClient start(Context context, ClientOptions options,
            ReconnectPolicy policy, Listener listener) {
        ReconnectingClient client = new ReconnectingClient(
                Objects.requireNonNull(context, "context"),
                Objects.requireNonNull(options, "options"),
                Objects.requireNonNull(policy, "policy"),
                Objects.requireNonNull(listener, "listener"));
        client.connectNow();
        return client;
    }

    /**
     * Thread-safe.
     *
     * @return the open connection, or null between connections
     */
    public Connection current() {
        synchronized (lock) {
            return current;
        }
    }

    /**
     * Stops reconnecting and closes the open connection with {@link CloseCodes#NORMAL}, or
     * aborts the attempt in flight. Idempotent.
     */
    @Override
    public void close() {
        Connection open;
        CompletableFuture<Connection> pending;
        Cancellable scheduled;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            open = current;
            pending = connecting;
            scheduled = retry;
            retry = null;
        }
        if (scheduled != null) {
            scheduled.cancel();
        }
        if (pending != null) {
            pending.cancel(false);
        }
        if (open != null) {
            if (open.inServiceThread()) {
                open.close(CloseCodes.NORMAL, "client closing");
            } else {
                open.execute(() -> open.close(CloseCodes.NORMAL, "client closing"));
            }
        }
    }

    private void connectNow() {
        CompletableFuture<Connection> attemptFuture;
        synchronized (lock) {
            retry = null;
            if (closed) {
                return;
            }
            if (context.isClosed()) {
                closed = true;
                attemptFuture = null;
            } else {
                attemptFuture = new CompletableFuture<>();
                connecting = attemptFuture;
            }
        }
        if (attemptFuture == null) {
            listener.onGaveUp(null);
            return;
        }
        CompletableFuture<Connection> started;
        try {
            started = WebSocketClient.connect(context, options);
        } catch (RuntimeException e) {
            attemptFailed(attemptFuture, e);
            return;
        }
        attemptFuture.whenComplete((c, e) -> {
            if (attemptFuture.isCancelled()) {
                started.cancel(false);
            }
        });
        started.whenComplete((c, e) -> {
            if (e != null) {
                attemptFailed(attemptFuture, e);
            } else {
                attemptFuture.complete(c);
            }
        });
    }

    private void attemptFailed(CompletableFuture<Connection> attemptFuture, Throwable cause) {
        synchronized (lock) {
            if (connecting == attemptFuture) {
                connecting = null;
            }
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "connecting to " + options.uri() + " failed: "
                + cause);
        scheduleRetry(cause);
    }

    /** Called once an open connection closed, or an attempt failed. */
    private void scheduleRetry(Throwable cause) {
        Duration delay;
        int number;
        boolean giveUp = false;
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (attempt == 0) {
                outageStartNanos = System.nanoTime();
            }
            number = ++attempt;
            delay = policy.delay(number, ThreadLocalRandom.current());
            Duration soFar = Duration.ofNanos(System.nanoTime() - outageStartNanos);
            if (context.isClosed() || !policy.allows(number, soFar, delay)) {
                closed = true;
                giveUp = true;
            } else {
                retry = context.schedule(delay, this::connectNow);
            }
        }
        if (giveUp) {
            LOG.log(System.Logger.Level.INFO, "giving up reconnecting to " + options.uri()
                    + " after " + (number - 1) + " retries");
            listener.onGaveUp(cause);
        } else {
            listener.onRetry(number, delay, cause);
        }
    }

    private void established(Connection connection) {
        boolean reconnect;
        synchronized (lock) {
            connecting = null;
            current = connection;
            attempt = 0;
            reconnect = everConnected;
            everConnected = true;
        }
        listener.onConnected(connection, reconnect);
    }

    private void closedConnection(Connection connection) {
        synchronized (lock) {
            if (current != connection) {
                return;
            }
            current = null;
        }
        scheduleRetry(null);
    }

    /** Forwards every callback to the application's protocol and follows the life cycle. */
    private final class Forwarding implements Protocol {
        private final Protocol delegate;

        Forwarding(Protocol delegate) {
            this.delegate = delegate;
        }

        @Override
        public void onHandshake(Request request, HandshakeDecision decision) {
            delegate.onHandshake(request, decision);
        }

        @Override
        public void onEstablished(Connection connection) {
            try {
                delegate.onEstablished(connection);
            } finally {
                established(connection); // a throwing callback closes it: then a retry follows
            }
        }

        @Override
        public void onText(Connection connection, String text) {
            delegate.onText(connection, text);
        }

        @Override
        public void onBinary(Connection connection, ByteBuffer data) {
            delegate.onBinary(connection, data);
        }

        @Override
        public void onWritable(Connection connection) {
            delegate.onWritable(connection);
        }

        @Override
        public void onDrain(Connection connection) {
            delegate.onDrain(connection);
        }

        @Override
        public void onClosed(Connection connection, int closeCode, String reason) {
            try {
                delegate.onClosed(connection, closeCode, reason);
            } finally {
                closedConnection(connection);
            }
        }

        @Override
        public void onError(Connection connection, Throwable cause) {
            delegate.onError(connection, cause);
        }

        @Override
        public void onPing(Connection connection, ByteBuffer payload) {
            delegate.onPing(connection, payload);
        }

        @Override
        public void onPong(Connection connection, ByteBuffer payload,
                java.time.Duration roundTrip) {
            delegate.onPong(connection, payload, roundTrip);
        }

        @Override
        public boolean streamingReceive() {
            return delegate.streamingReceive();
        }

        @Override
        public void onTextFragment(Connection connection, ByteBuffer utf8, boolean last) {
            delegate.onTextFragment(connection, utf8, last);
        }

        @Override
        public void onBinaryFragment(Connection connection, ByteBuffer data, boolean last) {
            delegate.onBinaryFragment(connection, data, last);
        }

        @Override
        public boolean permessageDeflate() {
            return delegate.permessageDeflate();
        }

        @Override
        public int compressionThreshold() {
            return delegate.compressionThreshold();
        }
    }
}
