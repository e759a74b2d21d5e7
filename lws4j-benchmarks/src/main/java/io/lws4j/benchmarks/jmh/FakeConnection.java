package io.lws4j.benchmarks.jmh;

import io.lws4j.Context;
import io.lws4j.internal.conn.ConnectionInternals;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A connection without a socket, for pool micro-benchmarks: its "service thread" is a
 * single-thread executor, {@link #execute} posts there, and {@link #callbackOnWritable()}
 * posts one call of the {@code onWritable} consumer. Everything else is inert.
 *
 * <p>Thread-safe: any method may be called from any thread; the service-thread methods
 * ({@code callbackOnWritable}) are meant for the executor's thread, as on a real connection.
 */
final class FakeConnection implements ConnectionInternals {
    private final ExecutorService service;
    private final Thread serviceThread;
    private final Consumer<FakeConnection> onWritable;
    private final AtomicReference<Object> taskSlot = new AtomicReference<>();
    private volatile Object userData;

    FakeConnection(ExecutorService service, Thread serviceThread, Consumer<FakeConnection> onWritable) {
        this.service = service;
        this.serviceThread = serviceThread;
        this.onWritable = onWritable;
    }

    @Override
    public boolean addCloseHook(Runnable hook) {
        return true;
    }

    @Override
    public void removeCloseHook(Runnable hook) {
    }

    @Override
    public Object taskSlot() {
        return taskSlot.get();
    }

    @Override
    public boolean casTaskSlot(Object expected, Object update) {
        return taskSlot.compareAndSet(expected, update);
    }

    @Override
    public boolean writeText(String text) {
        return true;
    }

    @Override
    public boolean writeBinary(ByteBuffer data) {
        return true;
    }

    @Override
    public void callbackOnWritable() {
        service.execute(() -> onWritable.accept(this));
    }

    @Override
    public void setTimeout(Duration timeout) {
    }

    @Override
    public void close(int code, String reason) {
    }

    @Override
    public Context context() {
        return null;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress("127.0.0.1", 0);
    }

    @Override
    public io.lws4j.Request request() {
        return null;
    }

    @Override
    public String protocolName() {
        return "bench";
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T userData() {
        return (T) userData;
    }

    @Override
    public void userData(Object data) {
        this.userData = data;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public boolean inServiceThread() {
        return Thread.currentThread() == serviceThread;
    }

    @Override
    public boolean execute(Runnable command) {
        service.execute(command);
        return true;
    }
}
