package io.lws4j.benchmarks.servers;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.extensions.permessage_deflate.PerMessageDeflateExtension;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.DefaultSSLWebSocketServerFactory;
import org.java_websocket.server.WebSocketServer;

/**
 * Java-WebSocket 1.6.0 as an echo server (its sends are queued without a completion signal,
 * so it has no honest "wait until written" for the sync-stream job and is left out there).
 * Over wss it wraps its channels with {@link DefaultSSLWebSocketServerFactory} (JDK
 * {@code SSLEngine}); with deflate its draft carries a {@link PerMessageDeflateExtension}
 * with the library's defaults: level 6, {@code server_no_context_takeover}, and messages
 * under 1,024 bytes sent uncompressed (the table's "compressed" column shows it).
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
final class JavaWebSocketBenchServer implements BenchServer {
    private final Impl impl;

    JavaWebSocketBenchServer(ServerOptions o) throws Exception {
        List<Draft> drafts = o.deflate() ? List.of(new Draft_6455(new PerMessageDeflateExtension()))
                : List.of(new Draft_6455());
        this.impl = new Impl(new InetSocketAddress("127.0.0.1", o.port()), drafts);
        if (o.tls() != null) {
            impl.setWebSocketFactory(new DefaultSSLWebSocketServerFactory(o.tls().serverContext()));
        }
        impl.setTcpNoDelay(true);
        impl.setReuseAddr(true);
        impl.setConnectionLostTimeout(0);
        impl.start();
        if (!impl.started.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Java-WebSocket did not start");
        }
    }

    @Override
    public int port() {
        return impl.getPort();
    }

    @Override
    public void close() {
        try {
            impl.stop(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Impl extends WebSocketServer {
        final CountDownLatch started = new CountDownLatch(1);

        Impl(InetSocketAddress address, List<Draft> drafts) {
            super(address, drafts);
        }

        @Override
        public void onOpen(WebSocket conn, ClientHandshake handshake) {
        }

        @Override
        public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        }

        @Override
        public void onMessage(WebSocket conn, String message) {
            conn.send(message); // echoed (the idle workload's message)
        }

        @Override
        public void onMessage(WebSocket conn, ByteBuffer message) {
            conn.send(message);
        }

        @Override
        public void onError(WebSocket conn, Exception ex) {
        }

        @Override
        public void onStart() {
            started.countDown();
        }
    }
}
