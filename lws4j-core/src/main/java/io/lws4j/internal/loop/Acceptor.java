package io.lws4j.internal.loop;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.BiConsumer;

/**
 * Accepts connections on loop 0 and hands each to a service loop, round-robin; a connection
 * stays on the loop it was handed to for its whole life.
 *
 * <p>Service-thread confined: all methods must be called on loop 0's service thread; see
 * {@link ServiceLoop#inServiceThread()}.
 */
final class Acceptor implements Selectable {
    /** Accepts per readiness event, so a connection storm cannot starve loop 0's I/O. */
    private static final int ACCEPTS_PER_EVENT = 64;
    private static final System.Logger LOG = System.getLogger(Acceptor.class.getName());

    private final ServerSocketChannel server;
    private final ServiceLoop[] loops;
    private final BiConsumer<ServiceLoop, SocketChannel> onAccepted;
    private int next;

    Acceptor(ServerSocketChannel server, ServiceLoop[] loops,
            BiConsumer<ServiceLoop, SocketChannel> onAccepted) {
        this.server = server;
        this.loops = loops;
        this.onAccepted = onAccepted;
    }

    @Override
    public void onReady(int readyOps) throws IOException {
        for (int i = 0; i < ACCEPTS_PER_EVENT; i++) {
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
            } else if (!loop.execute(() -> onAccepted.accept(loop, channel))) {
                closeQuietly(channel);
            }
        }
    }

    @Override
    public void onFailure(Throwable failure) {
        // an accept error (for example too many open files) must not stop the server
        LOG.log(System.Logger.Level.WARNING, "accept failed", failure);
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
