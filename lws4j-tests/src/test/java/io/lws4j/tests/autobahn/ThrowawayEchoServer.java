package io.lws4j.tests.autobahn;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * TEMPORARY: a Java-WebSocket echo server that proves the Autobahn machinery before the lws4j
 * server exists. Removed once {@code io.lws4j.examples.EchoServer} works.
 *
 * <p>Not thread-safe: instances must not be shared.
 */
public final class ThrowawayEchoServer extends WebSocketServer {

    private ThrowawayEchoServer(int port) {
        super(new InetSocketAddress("127.0.0.1", port));
    }

    /**
     * Starts the server and returns.
     *
     * @param args the port
     */
    public static void main(String[] args) {
        new ThrowawayEchoServer(Integer.parseInt(args[0])).start();
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
        conn.send(message);
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
    }
}
