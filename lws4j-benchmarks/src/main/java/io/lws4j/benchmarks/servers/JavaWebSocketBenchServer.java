package io.lws4j.benchmarks.servers;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * Java-WebSocket 1.6.0 as an echo server (its sends are queued without a completion signal,
 * so it has no honest "wait until written" for the sync-stream job and is left out there).
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
final class JavaWebSocketBenchServer implements BenchServer {
    private final Impl impl;

    JavaWebSocketBenchServer(ServerOptions o) throws InterruptedException {
        this.impl = new Impl(new InetSocketAddress("127.0.0.1", o.port()));
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

        Impl(InetSocketAddress address) {
            super(address);
        }

        @Override
        public void onOpen(WebSocket conn, ClientHandshake handshake) {
        }

        @Override
        public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        }

        @Override
        public void onMessage(WebSocket conn, String message) {
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
