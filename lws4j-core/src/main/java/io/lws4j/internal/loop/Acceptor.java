package io.lws4j.internal.loop;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Accepts connections on loop 0 and hands each to a service loop, round-robin; a connection
 * stays on the loop it was handed to for its whole life.
 *
 * <p>At {@code maxConnections} open connections it stops accepting (interest 0) and checks
 * again every {@value #LIMIT_RECHECK_MILLIS} ms; pending peers wait in the kernel backlog.
 * The count is the loops' connection counts plus the channels handed to another loop that it
 * has not counted yet, so the limit is never overshot (a connection may briefly be counted
 * twice, which only admits later).
 *
 * <p>Service-thread confined: all methods must be called on loop 0's service thread; see
 * {@link ServiceLoop#inServiceThread()}.
 */
final class Acceptor implements Selectable {
    /** Accepts per readiness event, so a connection storm cannot starve loop 0's I/O. */
    private static final int ACCEPTS_PER_EVENT = 64;
    /** How long accepting pauses after an accept error. */
    private static final Duration ACCEPT_PAUSE = Duration.ofMillis(100);
    /** How often a listener paused at the connection limit looks again. */
    static final int LIMIT_RECHECK_MILLIS = 10;
    private static final System.Logger LOG = System.getLogger(Acceptor.class.getName());

    private final ServerSocketChannel server;
    private final ServiceLoop[] loops;
    private final BiConsumer<ServiceLoop, SocketChannel> onAccepted;
    private final int maxConnections;
    /** Accepted, handed to another loop, not yet counted by it. */
    private final AtomicInteger inHandOff = new AtomicInteger();
    private boolean pausedAtLimit;
    private int next;
    /** Loop 0's key for the listening socket; set once registered. */
    private SelectionKey key;

    Acceptor(ServerSocketChannel server, ServiceLoop[] loops, int maxConnections,
            BiConsumer<ServiceLoop, SocketChannel> onAccepted) {
        this.server = server;
        this.loops = loops;
        this.maxConnections = maxConnections;
        this.onAccepted = onAccepted;
    }

    @Override
    public void onReady(int readyOps) throws IOException {
        assert loops[0].inServiceThread();
        for (int i = 0; i < ACCEPTS_PER_EVENT; i++) {
            if (openConnections() >= maxConnections) {
                pauseAtLimit();
                return;
            }
            SocketChannel channel = server.accept();
            if (channel == null) {
                return;
            }
            try {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "cannot set up an accepted channel", e);
                closeQuietly(channel);
                continue;
            }
            ServiceLoop loop = loops[next];
            next = (next + 1) % loops.length;
            if (loop.inServiceThread()) {
                onAccepted.accept(loop, channel);
                continue;
            }
            inHandOff.incrementAndGet();
            if (!loop.execute(() -> {
                try {
                    onAccepted.accept(loop, channel);
                } finally {
                    inHandOff.decrementAndGet();
                }
            })) {
                inHandOff.decrementAndGet();
                closeQuietly(channel);
            }
        }
    }

    /** Connections of the context, accepted and client ones, plus hand-offs in flight. */
    int openConnections() {
        int open = inHandOff.get();
        for (ServiceLoop loop : loops) {
            open += loop.connectionCount();
        }
        return open;
    }

    private void pauseAtLimit() {
        if (pausedAtLimit || key == null || !key.isValid()) {
            return;
        }
        pausedAtLimit = true;
        LOG.log(System.Logger.Level.WARNING, "{0} connections open (maxConnections): "
                + "accepting pauses until one closes", maxConnections);
        key.interestOps(0);
        loops[0].schedule(Duration.ofMillis(LIMIT_RECHECK_MILLIS), this::recheckLimit);
    }

    private void recheckLimit() {
        assert loops[0].inServiceThread();
        if (!key.isValid()) {
            return;
        }
        if (openConnections() >= maxConnections) {
            loops[0].schedule(Duration.ofMillis(LIMIT_RECHECK_MILLIS), this::recheckLimit);
            return;
        }
        pausedAtLimit = false;
        LOG.log(System.Logger.Level.INFO, "below maxConnections again: accepting");
        key.interestOps(SelectionKey.OP_ACCEPT);
    }

    void registered(SelectionKey acceptKey) {
        this.key = acceptKey;
    }

    @Override
    public void onFailure(Throwable failure) {
        // an accept error (for example too many open files) must not stop the server, nor
        // make loop 0 spin on a listening socket that stays ready: pause accepting briefly
        LOG.log(System.Logger.Level.WARNING, "accept failed; pausing accepts for "
                + ACCEPT_PAUSE.toMillis() + " ms", failure);
        if (key != null && key.isValid()) {
            key.interestOps(0);
            loops[0].schedule(ACCEPT_PAUSE, () -> {
                if (key.isValid()) {
                    key.interestOps(SelectionKey.OP_ACCEPT);
                }
            });
        }
    }

    @Override
    public void abort() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the listening socket failed", e);
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "close failed", e);
        }
    }
}
