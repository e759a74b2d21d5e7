package io.lws4j.benchmarks.servers;

import io.lws4j.benchmarks.Wire;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * Jetty 12 websocket (Jetty API on the core server, no servlets) the way an expert does
 * blocking per-connection work: a bounded executor of T threads whose workers hand each
 * message over with an asynchronous {@code sendBinary} and block only while the bytes sent but
 * not yet completed on that connection would pass {@link Handover#HIGH_WATER}: a window of
 * outstanding sends, the same contract as lws4j's bounded outbound buffer (Jetty 12's API has
 * no batch mode). A worker resumes as soon as completions make room, rather than at lws4j's
 * {@link Handover#LOW_WATER}. Each outstanding send owns its buffer (taken from a small
 * per-stream pool and given back by the send's callback). The websocket input and output
 * buffers are {@link Handover#IO_BUFFER_BYTES}, like lws4j's read and frame buffers. One
 * selector, like lws4j's one service thread; events are dispatched on Jetty's own thread
 * pool. Over wss
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
            container.setInputBufferSize(Handover.IO_BUFFER_BYTES);
            container.setOutputBufferSize(Handover.IO_BUFFER_BYTES);
            boolean filter = !o.filter().equals(HandshakeFilter.NONE);
            boolean deferred = o.filter().equals(HandshakeFilter.DEFERRED);
            container.addMapping("/", (request, response, callback) -> {
                if (filter) {
                    // Jetty's creator answers before it returns: a deferred check is waited
                    // for here, on the Jetty thread the upgrade was dispatched to
                    boolean admitted = deferred
                            ? HandshakeFilter.DECIDER_POOL.submit(() -> admits(request)).get()
                            : admits(request);
                    if (!admitted) {
                        org.eclipse.jetty.server.Response.writeError(request, response, callback, 401);
                        return null;
                    }
                }
                return new Endpoint(workers);
            });
        }));
        server.start();
    }

    /** The handshake workload's check, on Jetty's own parse of the query. */
    private static boolean admits(org.eclipse.jetty.server.Request request) {
        return HandshakeFilter.TOKEN.equals(
                org.eclipse.jetty.server.Request.extractQueryParameters(request).getValue("token"));
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
            if (cmd == null) { // any other text is echoed (the idle workload's message)
                session.sendText(text, Callback.NOOP);
            } else if (workers != null) {
                Session s = session;
                try {
                    workers.execute(() -> stream(s, cmd[0], cmd[1]));
                } catch (RejectedExecutionException e) {
                    s.close();
                }
            }
        }
    }

    /**
     * Streams with a window of outstanding sends: permits are bytes, a send takes its size
     * and its callback gives it back (a message larger than the whole window takes the whole
     * window). A failed send ends the stream.
     */
    private static void stream(Session s, int messages, int size) {
        Semaphore window = new Semaphore(Handover.HIGH_WATER);
        int cost = Math.min(size, Handover.HIGH_WATER);
        ConcurrentLinkedQueue<ByteBuffer> spare = new ConcurrentLinkedQueue<>();
        AtomicBoolean failed = new AtomicBoolean();
        for (int seq = 0; seq < messages && !failed.get() && s.isOpen(); seq++) {
            try {
                window.acquire(cost);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            ByteBuffer polled = spare.poll();
            ByteBuffer buf = polled != null ? polled : Wire.streamBuffer(size);
            Wire.fillStreamMessage(buf, seq, size);
            s.sendBinary(buf, Callback.from(() -> {
                spare.offer(buf);
                window.release(cost);
            }, x -> {
                failed.set(true);
                window.release(cost);
            }));
        }
    }
}
