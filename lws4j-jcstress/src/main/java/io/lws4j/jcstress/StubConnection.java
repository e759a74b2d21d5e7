package io.lws4j.jcstress;

import io.lws4j.Context;
import io.lws4j.internal.conn.ConnectionInternals;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The least connection a {@link io.lws4j.internal.pool.TaskRecord} can be bound to: a task
 * slot and nothing else; or, made with a write to hand over, a connection whose every caller
 * holds the service role and whose acknowledgements hand that write to the syncing worker
 * ({@link #claimWriteForSyncingWorker()}). The state-protocol tests never write or close it.
 *
 * <p>Thread-safe: any method may be called from any thread.
 */
final class StubConnection implements ConnectionInternals {
    private final AtomicReference<Object> slot = new AtomicReference<>();
    private final Runnable handedWrite;
    private final AtomicInteger claims = new AtomicInteger();

    /** A connection no caller serves: acknowledgements hand nothing over. */
    StubConnection() {
        this(null);
    }

    /**
     * @param handedWrite what {@link #claimWriteForSyncingWorker()} returns, or null; when
     *     set, {@link #inServiceThread()} is true for every caller
     */
    StubConnection(Runnable handedWrite) {
        this.handedWrite = handedWrite;
    }

    @Override
    public boolean writeText(String text) {
        return false;
    }

    @Override
    public boolean writeBinary(ByteBuffer data) {
        return false;
    }

    @Override
    public void callbackOnWritable() {
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
        return null;
    }

    @Override
    public io.lws4j.Request request() {
        return null;
    }

    @Override
    public String protocolName() {
        return "stub";
    }

    @Override
    public <T> T userData() {
        return null;
    }

    @Override
    public void userData(Object data) {
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public boolean inServiceThread() {
        return handedWrite != null;
    }

    @Override
    public Runnable claimWriteForSyncingWorker() {
        claims.incrementAndGet();
        return handedWrite;
    }

    /** How many times an acknowledgement claimed the write. */
    int claims() {
        return claims.get();
    }

    @Override
    public boolean execute(Runnable command) {
        return false;
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
        return slot.get();
    }

    @Override
    public boolean casTaskSlot(Object expected, Object update) {
        return slot.compareAndSet(expected, update);
    }
}
