package io.lws4j.benchmarks.servers;

import io.lws4j.benchmarks.Wire;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * Jetty 12 websocket (Jetty API on the core server, no servlets) the way its users do
 * blocking per-connection work: a bounded executor of T threads whose workers make blocking
 * sends (send with a {@code Callback.Completable}, then wait for it). One selector, like
 * lws4j's one service thread; events are dispatched on Jetty's own thread pool. Over wss
 * the connector gets an {@link SslContextFactory.Server} with the run's PKCS#12 key (JDK
 * provider). permessage-deflate needs nothing: Jetty 12 accepts it by default when offered.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
final class JettyServer implements BenchServer {
    private final Server server;
    private final ServerConnector connector;
    private final ThreadPoolExecutor workers;

    JettyServer(ServerOptions o) throws Exception {
        this.workers = o.threads() > 0 ? Workers.bounded("jetty-worker", o.threads(), o.queue()) : null;
        QueuedThreadPool qtp = new QueuedThreadPool();
        qtp.setName("jetty-qtp");
        this.server = new Server(qtp);
        if (o.tls() != null) {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStorePath(o.tls().keystore().toString());
            ssl.setKeyStoreType("PKCS12");
            ssl.setKeyStorePassword(o.tls().password());
            ssl.setKeyManagerPassword(o.tls().password());
            this.connector = new ServerConnector(server, 1, o.ioThreads(), new SslConnectionFactory(ssl, "http/1.1"),
                    new HttpConnectionFactory());
        } else {
            this.connector = new ServerConnector(server, 1, o.ioThreads());
        }
        connector.setHost("127.0.0.1");
        connector.setPort(o.port());
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);
        ContextHandler context = new ContextHandler("/");
        server.setHandler(context);
        context.setHandler(WebSocketUpgradeHandler.from(server, context, container -> {
            container.setMaxBinaryMessageSize(1 << 20);
            container.setMaxFrameSize(1 << 20);
            container.setIdleTimeout(java.time.Duration.ofMinutes(10));
            container.addMapping("/", (request, response, callback) -> new Endpoint(workers));
        }));
        server.start();
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            System.err.println("jetty stop: " + e);
        }
        if (workers != null) {
            workers.shutdownNow();
        }
    }

    /** Public: Jetty binds listener methods through method handles. */
    public static final class Endpoint implements Session.Listener.AutoDemanding {
        private final ThreadPoolExecutor workers;
        private volatile Session session;

        Endpoint(ThreadPoolExecutor workers) {
            this.workers = workers;
        }

        @Override
        public void onWebSocketOpen(Session s) {
            this.session = s;
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            session.sendBinary(payload, callback);
        }

        @Override
        public void onWebSocketText(String text) {
            int[] cmd = Wire.parseStartCommand(text);
            if (cmd != null && workers != null) {
                Session s = session;
                try {
                    workers.execute(() -> stream(s, cmd[0], cmd[1]));
                } catch (RejectedExecutionException e) {
                    s.close();
                }
            }
        }
    }

    private static void stream(Session s, int messages, int size) {
        ByteBuffer buf = Wire.streamBuffer(size);
        for (int seq = 0; seq < messages; seq++) {
            Wire.fillStreamMessage(buf, seq, size);
            Callback.Completable done = new Callback.Completable();
            s.sendBinary(buf, done);
            try {
                done.get();
            } catch (ExecutionException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
