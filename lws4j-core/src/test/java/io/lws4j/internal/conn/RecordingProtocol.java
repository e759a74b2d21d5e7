package io.lws4j.internal.conn;

import io.lws4j.Connection;
import io.lws4j.Context;
import io.lws4j.Protocol;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * An echo protocol that records what happened, for tests. Text starting with a command word
 * can be routed to a test-specific handler instead of being echoed.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
class RecordingProtocol implements Protocol {
    record Closed(Connection connection, int code, String reason, boolean onServiceThread) {
    }

    final BlockingQueue<Connection> established = new LinkedBlockingQueue<>();
    final BlockingQueue<Closed> closed = new LinkedBlockingQueue<>();
    final CopyOnWriteArrayList<String> events = new CopyOnWriteArrayList<>();
    final AtomicInteger onWritableCalls = new AtomicInteger();
    volatile BiConsumer<Connection, String> textHandler = (c, text) -> c.writeText(text);
    volatile java.util.function.Consumer<Connection> writableHandler = c -> { };

    @Override
    public void onInit(Context context) {
        events.add("init");
    }

    @Override
    public void onDestroy(Context context) {
        events.add("destroy");
    }

    @Override
    public void onEstablished(Connection connection) {
        established.add(connection);
    }

    @Override
    public void onText(Connection connection, String text) {
        textHandler.accept(connection, text);
    }

    @Override
    public void onBinary(Connection connection, ByteBuffer data) {
        connection.writeBinary(data);
    }

    @Override
    public void onWritable(Connection connection) {
        onWritableCalls.incrementAndGet();
        writableHandler.accept(connection);
    }

    @Override
    public void onClosed(Connection connection, int closeCode, String reason) {
        events.add("closed " + closeCode);
        closed.add(new Closed(connection, closeCode, reason, connection.inServiceThread()));
    }

    Closed awaitClosed() throws InterruptedException {
        Closed c = closed.poll(10, TimeUnit.SECONDS);
        if (c == null) {
            throw new AssertionError("onClosed not called within 10 s");
        }
        return c;
    }

    Connection awaitEstablished() throws InterruptedException {
        Connection c = established.poll(10, TimeUnit.SECONDS);
        if (c == null) {
            throw new AssertionError("onEstablished not called within 10 s");
        }
        return c;
    }
}
