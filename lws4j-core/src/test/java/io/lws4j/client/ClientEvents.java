package io.lws4j.client;

import io.lws4j.Connection;
import io.lws4j.Protocol;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A client-side protocol that records what happened, for tests.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
class ClientEvents implements Protocol {
    record Closed(int code, String reason, boolean onServiceThread) {
    }

    final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<Connection> established = new LinkedBlockingQueue<>();
    final CompletableFuture<Closed> closed = new CompletableFuture<>();

    @Override
    public void onEstablished(Connection connection) {
        established.add(connection);
    }

    @Override
    public void onText(Connection connection, String text) {
        messages.add(text);
    }

    @Override
    public void onBinary(Connection connection, ByteBuffer data) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        messages.add(bytes);
    }

    @Override
    public void onClosed(Connection connection, int closeCode, String reason) {
        closed.complete(new Closed(closeCode, reason, connection.inServiceThread()));
    }

    Object nextMessage() throws InterruptedException {
        Object m = messages.poll(10, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("no message within 10 s");
        }
        return m;
    }

    Closed awaitClosed() throws Exception {
        return closed.get(10, TimeUnit.SECONDS);
    }
}
