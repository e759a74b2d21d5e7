package io.lws4j.benchmarks.servers;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * Jetty 12 (Jetty websocket API on the core server) for the xsend and broadcast workloads
 * ({@link Messaging}): the application threads send with {@code Session.sendText(text,
 * Callback)}, whose callback releases a slot of the thread's window. Jetty 12 has no
 * broadcast call, so a broadcast iterates the open sessions (a concurrent set the endpoints
 * join on open and leave on close) and calls {@code sendText} with {@link Callback#NOOP} on
 * each, on the application thread. One selector (the run's {@code --io-threads}); the
 * websocket output buffer is {@link Handover#IO_BUFFER_BYTES}, as in {@link JettyServer}.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
final class JettyMessagingServer implements BenchServer {
    private final Server server;
    private final ServerConnector connector;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();

    JettyMessagingServer(ServerOptions o) throws Exception {
        QueuedThreadPool qtp = new QueuedThreadPool();
        qtp.setName("jetty-qtp");
        this.server = new Server(qtp);
        this.connector = new ServerConnector(server, 1, o.ioThreads());
        connector.setHost("127.0.0.1");
        connector.setPort(o.port());
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);
        ContextHandler context = new ContextHandler("/");
        server.setHandler(context);
        context.setHandler(WebSocketUpgradeHandler.from(server, context, container -> {
            container.setIdleTimeout(java.time.Duration.ofMinutes(10));
            container.setInputBufferSize(Handover.IO_BUFFER_BYTES);
            container.setOutputBufferSize(Handover.IO_BUFFER_BYTES);
            container.addMapping("/", (request, response, callback) -> new Endpoint(sessions));
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
    }

    /** Public: Jetty binds listener methods through method handles. */
    public static final class Endpoint implements Session.Listener.AutoDemanding {
        private final Set<Session> sessions;
        private volatile Session session;

        Endpoint(Set<Session> sessions) {
            this.sessions = sessions;
        }

        @Override
        public void onWebSocketOpen(Session s) {
            this.session = s;
            sessions.add(s);
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason, Callback callback) {
            Session s = session;
            if (s != null) {
                sessions.remove(s);
            }
            callback.succeed();
        }

        @Override
        public void onWebSocketText(String text) {
            Session s = session;
            int[] xsend = Messaging.parseXsend(text);
            if (xsend != null) {
                Messaging.startSenders(xsend, (message, done) ->
                        s.sendText(message, Callback.from(() -> done.accept(null), done::accept)));
                return;
            }
            int[] bcast = Messaging.parseBroadcast(text);
            if (bcast != null) {
                Messaging.APP.execute(() -> {
                    String message = Messaging.message("b" + bcast[0] + ";", bcast[1]);
                    for (Session each : sessions) {
                        each.sendText(message, Callback.NOOP);
                    }
                });
            }
        }
    }
}
