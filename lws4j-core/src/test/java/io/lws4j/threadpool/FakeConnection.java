package io.lws4j.threadpool;

import io.lws4j.Context;
import io.lws4j.internal.conn.ConnectionInternals;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A socket-free connection for threadpool tests. Its service thread is a {@link FakeLoop};
 * {@link #callbackOnWritable()} schedules one {@code onWritable} dispatch to a test handler
 * (coalesced, as a real loop does) unless the connection is set never-writable; closing runs
 * the close hooks on the loop thread, then the {@code onClosed} handler.
 *
 * <p>Thread-safe: any method may be called from any thread; the service-thread-only methods
 * assert it.
 */
final class FakeConnection implements ConnectionInternals {
    private static final AtomicInteger IDS = new AtomicInteger();
    final FakeLoop loop;
    final String id = "conn-" + IDS.incrementAndGet();
    private final AtomicReference<Object> slot = new AtomicReference<>();
    private final List<Runnable> closeHooks = new ArrayList<>();
    private boolean hooksRan;
    private final Object lendingLock = new Object();
    private volatile boolean open = true;
    private volatile boolean writable = true;
    private boolean writablePending;
    private volatile Consumer<FakeConnection> onWritable = c -> { };
    private volatile Runnable onClosed = () -> { };
    private volatile Supplier<Runnable> writeClaim = () -> null;
    private volatile boolean lendsRole;
    /** The thread running an {@link #executeOrServe} command with the role, or null. */
    private volatile Thread borrower;
    private Object userData;
    final AtomicInteger writableRequests = new AtomicInteger();
    final AtomicInteger onWritableCalls = new AtomicInteger();
    final List<String> written = Collections.synchronizedList(new ArrayList<>());

    FakeConnection(FakeLoop loop) {
        this.loop = loop;
    }

    FakeConnection onWritable(Consumer<FakeConnection> handler) {
        this.onWritable = handler;
        return this;
    }

    FakeConnection onClosedDo(Runnable handler) {
        this.onClosed = handler;
        return this;
    }

    /** What {@link #claimWriteForSyncingWorker()} returns each time (default: null). */
    FakeConnection handingWrites(Supplier<Runnable> claim) {
        this.writeClaim = claim;
        return this;
    }

    /**
     * Lending on: {@link #executeOrServe} runs the command on the calling thread, which holds
     * the role meanwhile ({@link #inServiceThread()} is true for it, and
     * {@link #callbackOnWritableFromCommand()} calls {@code onWritable} on it at once), as a
     * loop idle in select lends its role to a pool worker. One borrower at a time; what the
     * command throws reaches the caller, as a {@link VirtualMachineError} does from a lent
     * loop.
     */
    FakeConnection lendingRole(boolean lend) {
        this.lendsRole = lend;
        return this;
    }

    /** A never-writable connection records writable requests but never calls back. */
    FakeConnection writable(boolean w) {
        this.writable = w;
        return this;
    }

    /** Closes the connection on its loop thread and waits for the hooks to have run. */
    void closeAndWait() {
        loop.run(this::closeOnLoop);
    }

    /** Posts a close to the loop without waiting. */
    void closeAsync() {
        loop.execute(this::closeOnLoop);
    }

    private void closeOnLoop() {
        assert inServiceThread();
        if (!open) {
            return;
        }
        open = false;
        List<Runnable> hooks;
        synchronized (this) {
            hooksRan = true;
            hooks = new ArrayList<>(closeHooks);
            closeHooks.clear();
        }
        for (Runnable h : hooks) {
            h.run();
        }
        onClosed.run();
    }

    private void requireLoop() {
        if (!inServiceThread()) {
            throw new IllegalStateException("not on the service thread of " + id);
        }
    }

    @Override
    public boolean writeText(String text) {
        requireLoop();
        if (!open) {
            return false;
        }
        written.add(text);
        return true;
    }

    @Override
    public boolean writeBinary(ByteBuffer data) {
        requireLoop();
        return open;
    }

    @Override
    public void callbackOnWritable() {
        requireLoop();
        writableRequests.incrementAndGet();
        if (!open || !writable || writablePending) {
            return;
        }
        writablePending = true;
        loop.execute(() -> {
            writablePending = false;
            if (open) {
                onWritableCalls.incrementAndGet();
                onWritable.accept(this);
            }
        });
    }

    @Override
    public void setTimeout(Duration timeout) {
        requireLoop();
    }

    @Override
    public void close(int code, String reason) {
        requireLoop();
        closeOnLoop();
    }

    @Override
    public Context context() {
        return FakeContext.INSTANCE;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress("127.0.0.1", 1);
    }

    @Override
    public io.lws4j.Request request() {
        return null;
    }

    @Override
    public String protocolName() {
        return "test";
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
        return open;
    }

    @Override
    public boolean inServiceThread() {
        return loop.inLoop() || borrower == Thread.currentThread();
    }

    @Override
    public boolean executeOrServe(Runnable command) {
        if (!lendsRole || inServiceThread()) {
            return execute(command);
        }
        synchronized (lendingLock) {
            borrower = Thread.currentThread();
            try {
                command.run();
            } finally {
                borrower = null;
            }
        }
        return true;
    }

    @Override
    public void callbackOnWritableFromCommand() {
        if (borrower != Thread.currentThread()) {
            callbackOnWritable();
            return;
        }
        writableRequests.incrementAndGet();
        if (open && writable) {
            onWritableCalls.incrementAndGet();
            onWritable.accept(this);
        }
    }

    @Override
    public boolean execute(Runnable command) {
        return loop.execute(command);
    }

    @Override
    public synchronized boolean addCloseHook(Runnable hook) {
        if (hooksRan) {
            return false;
        }
        closeHooks.add(hook);
        return true;
    }

    @Override
    public synchronized void removeCloseHook(Runnable hook) {
        closeHooks.remove(hook);
    }

    @Override
    public Runnable claimWriteForSyncingWorker() {
        requireLoop();
        return writeClaim.get();
    }

    @Override
    public Object taskSlot() {
        return slot.get();
    }

    @Override
    public boolean casTaskSlot(Object expected, Object update) {
        return slot.compareAndSet(expected, update);
    }

    @Override
    public String toString() {
        return id;
    }
}
